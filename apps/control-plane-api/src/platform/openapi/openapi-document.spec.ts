import { allRoutes } from '@lcm/contracts';
import { buildOpenApiDocument } from './openapi-document';

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument(allRoutes(), 'test') as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          parameters: { name: string; in: string }[];
          requestBody?: unknown;
          responses: Record<string, unknown>;
        }
      >
    >;
  };

  it('describes every contract route exactly once', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));
    expect(document.openapi).toBe('3.1.0');
    expect(operations).toHaveLength(allRoutes().length);
  });

  it('turns path placeholders into path parameters and declares bodies and problem responses', () => {
    const schedule = document.paths['/api/internal/sessions/{lablet_session_id}/schedule']?.['post'];
    expect(schedule?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'lablet_session_id', in: 'path' })]),
    );
    expect(schedule?.requestBody).toBeDefined();
    expect(Object.keys(schedule?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '401', '404', '409', '422']),
    );
  });
});
