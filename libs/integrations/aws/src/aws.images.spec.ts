import { matchesImageNamePattern, newestImage } from './aws.images';
import { type Ec2ImageInfo } from './aws.schemas';

const image = (name: string, creation_date: string | null, state: string | null = 'available'): Ec2ImageInfo => ({
  image_id: `ami-${name}`,
  name,
  description: null,
  creation_date,
  state,
  root_device_name: '/dev/sda1',
});

describe('AMI name patterns', () => {
  it.each([
    ['CML-2.9.0-1234', 'CML-2.9.*', true],
    ['CML-2.90', 'CML-2.9?', true],
    ['CML-2.8.0', 'CML-2.9.*', false],
    ['xCML-2.9.0', 'CML-2.9.*', false],
    ['CML-2x9.0', 'CML-2.9.*', false],
  ])('%s against %s → %s', (name, pattern, expected) => {
    expect(matchesImageNamePattern(name, pattern)).toBe(expected);
  });

  it('resolves to the newest available image', () => {
    const images = [
      image('CML-2.9.0', '2025-01-01T00:00:00.000Z'),
      image('CML-2.9.2', '2025-06-01T00:00:00.000Z'),
      image('CML-2.9.3', '2025-09-01T00:00:00.000Z', 'pending'),
    ];
    expect(newestImage(images)?.name).toBe('CML-2.9.2');
    expect(newestImage([])).toBeNull();
  });
});
