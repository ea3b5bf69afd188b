import {
  buildPath,
  type PathParamNames,
  type Route,
  type RouteBody,
  type RouteParams,
  type RouteQuery,
} from '@lcm/contracts';
import { type z } from 'zod';
import { ApiProblem } from './api-problem';

/** Set by the control plane at login; echoed on every change so a cookie alone never suffices (CSRF). */
export const CSRF_COOKIE = 'lcm_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const READ_METHODS = new Set(['GET', 'HEAD']);

export type CallInput<R extends Route> = ([PathParamNames<R['path']>] extends [never]
  ? { params?: never }
  : { params: RouteParams<R> }) &
  (R['query'] extends z.ZodType ? { query?: Partial<RouteQuery<R>> } : { query?: never }) &
  (R['body'] extends z.ZodType ? { body: RouteBody<R> } : { body?: never });

/** The success body of a route, as its contract types it (undefined for a body-less answer). */
export type CallOutput<R extends Route> = {
  [Status in keyof R['responses']]: R['responses'][Status] extends z.ZodType
    ? z.output<R['responses'][Status]>
    : undefined;
}[keyof R['responses']];

export function readCookie(cookies: string, name: string): string | undefined {
  for (const pair of cookies.split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function queryString(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface ContractClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** The page's cookies (document.cookie in the browser). */
  cookies?: () => string;
}

/**
 * Calls the control plane on the routes of @lcm/contracts with the browser's session cookie; the
 * answer is checked against the route's response schema, errors become ApiProblem.
 */
export class ContractClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly cookies: () => string;

  constructor(options: ContractClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.cookies = options.cookies ?? (() => document.cookie);
  }

  async call<R extends Route>(route: R, input: CallInput<R>): Promise<CallOutput<R>> {
    const { params, query, body } = input as {
      params?: Record<string, string>;
      query?: Record<string, unknown>;
      body?: unknown;
    };
    const path = (buildPath as (route: Route, params?: Record<string, string>) => string)(route, params);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (!READ_METHODS.has(route.method)) {
      const csrf = readCookie(this.cookies(), CSRF_COOKIE);
      if (csrf) headers[CSRF_HEADER] = csrf;
    }
    const answer = await this.fetch(`${this.baseUrl}${path}${queryString(query)}`, {
      method: route.method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!answer.ok) throw await ApiProblem.from(answer);
    const schema = route.responses[answer.status as keyof typeof route.responses];
    if (!schema) return undefined as CallOutput<R>;
    return schema.parse(await answer.json()) as CallOutput<R>;
  }
}
