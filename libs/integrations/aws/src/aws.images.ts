import { type Ec2ImageInfo } from './aws.schemas';

/** EC2's name filter wildcards (`*` any run, `?` one character), matched in full like EC2 does. */
export function matchesImageNamePattern(name: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

/** The newest available image (by creation date, then name), or null: a template's AMI pattern resolves to it. */
export function newestImage(images: readonly Ec2ImageInfo[]): Ec2ImageInfo | null {
  const usable = images.filter((image) => image.state === null || image.state === 'available');
  const time = (image: Ec2ImageInfo) => (image.creation_date ? Date.parse(image.creation_date) || 0 : 0);
  return (
    [...usable].sort((left, right) => time(right) - time(left) || (right.name ?? '').localeCompare(left.name ?? ''))[0] ?? null
  );
}
