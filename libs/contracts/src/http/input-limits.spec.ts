import { MAX_DOCUMENT_LENGTH, MAX_PROSE_LENGTH, MAX_TEXT_LENGTH, overlongTexts } from './input-limits';

describe('overlongTexts', () => {
  it('names every text longer than its field allows, by its path', () => {
    const body = {
      owner: 'x'.repeat(MAX_TEXT_LENGTH + 1),
      labs: [
        { title: 'ok', description: 'd'.repeat(MAX_PROSE_LENGTH) },
        { tags: ['t'.repeat(MAX_TEXT_LENGTH + 1)] },
      ],
      yaml: 'y'.repeat(MAX_DOCUMENT_LENGTH),
    };
    expect(overlongTexts(body).map((error) => error.field)).toEqual(['owner', 'labs.1.tags.0']);
  });

  it('accepts texts at their limit and values that are not text', () => {
    expect(overlongTexts({ owner: 'x'.repeat(MAX_TEXT_LENGTH), count: 3, flag: true, none: null })).toEqual(
      [],
    );
  });
});
