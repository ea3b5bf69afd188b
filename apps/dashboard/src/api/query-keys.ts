/** Every cached resource lives under one of these roots, so live events find what to update. */
export type Resource = 'sessions' | 'workers' | 'labs' | 'definitions' | 'templates';
export type ListFilter = Record<string, string | string[] | boolean | number | undefined>;
export type SessionChild = 'user-session' | 'grading-session' | 'score-report';

export const queryKeys = {
  list: (resource: Resource, filter: ListFilter = {}) => [resource, 'list', filter] as const,
  lists: (resource: Resource) => [resource, 'list'] as const,
  detail: (resource: Resource, id: string) => [resource, 'detail', id] as const,
  sessionChild: (child: SessionChild, sessionId: string) => ['sessions', child, sessionId] as const,
  /** Views that are not one resource (scheduler, health, audit, capacity of a worker...). */
  view: (...parts: string[]) => ['view', ...parts] as const,
  me: ['me'] as const,
};
