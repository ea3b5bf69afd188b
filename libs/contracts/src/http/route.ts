import type { z } from 'zod';
import type { Role } from '../shared/enums';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type SuccessStatus = 200 | 201 | 202 | 204;

/** `null` declares a response without a body (e.g. 204). */
export type RouteResponses = Partial<Record<SuccessStatus, z.ZodType | null>>;

/** Names of the `:placeholders` in a path template, e.g. '/a/:x/b/:y' → 'x' | 'y'. */
export type PathParamNames<Path extends string> = Path extends `${string}:${infer Param}/${infer Rest}`
  ? Param | PathParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Param}`
    ? Param
    : never;

type ParamsSchemaFor<Path extends string> = [PathParamNames<Path>] extends [never]
  ? { readonly params?: never }
  : { readonly params: z.ZodObject<{ [Name in PathParamNames<Path>]: z.ZodType<string, string> }> };

/** Public routes are guarded by OIDC roles (spec §5.1); internal ones by the controllers' API key. */
type RouteAccess =
  | { readonly auth: 'public'; readonly roles: readonly Role[] }
  | { readonly auth: 'internal'; readonly roles?: never };

type RouteShape<Path extends string> = {
  readonly method: HttpMethod;
  readonly path: Path;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly responses: RouteResponses;
  readonly summary: string;
  /**
   * A body array whose entries the handler checks one by one, so that one bad entry is reported
   * in the answer instead of refusing the request (a discovery scan, spec §7.3.4).
   */
  readonly entriesCheckedOneByOne?: string;
} & ParamsSchemaFor<Path> &
  RouteAccess;

/** Any route, as the server's router and the typed client see it. */
export type Route = {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly responses: RouteResponses;
  readonly summary: string;
  readonly auth: 'public' | 'internal';
  readonly roles?: readonly Role[];
  /** A body array whose entries the handler checks one by one (see RouteShape). */
  readonly entriesCheckedOneByOne?: string;
};

/**
 * Identity at runtime; at compile time it checks that the params schema names exactly the path's
 * placeholders and that public routes state their roles, and keeps the literal types for inference.
 */
export const defineRoute = <const Path extends string, const Definition extends RouteShape<Path>>(
  route: Definition & { readonly path: Path },
): Definition => route;

export type RouteParams<R extends Route> = Record<PathParamNames<R['path']>, string | number>;
export type RouteQuery<R extends Route> = R['query'] extends z.ZodType ? z.input<R['query']> : never;
export type RouteBody<R extends Route> = R['body'] extends z.ZodType ? z.input<R['body']> : never;
export type RouteResponse<
  R extends Route,
  Status extends keyof R['responses'],
> = R['responses'][Status] extends z.ZodType ? z.output<R['responses'][Status]> : undefined;

const PLACEHOLDER = /:([A-Za-z_][A-Za-z0-9_]*)/g;

/** Placeholders of a path template, in order. */
export const pathParamNames = (path: string): string[] =>
  Array.from(path.matchAll(PLACEHOLDER), (match) => match[1] as string);

/** Fills a route's path template; every value is URI-encoded so an id can never add a path segment. */
export const buildPath = <R extends Route>(
  route: R,
  ...[params]: PathParamNames<R['path']> extends never ? [] : [RouteParams<R>]
): string =>
  route.path.replace(PLACEHOLDER, (_match, name: string) => {
    const value = (params as Record<string, string | number> | undefined)?.[name];
    if (value === undefined || value === '')
      throw new Error(`buildPath: missing value for :${name} in ${route.path}`);
    return encodeURIComponent(String(value));
  });
