import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  RequestMethod,
  RequestMapping,
  SetMetadata,
} from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type z } from 'zod';
import { type Route, toFieldErrors, unstorableTexts } from '@lcm/contracts';
import { invalidInput } from './api-error';

export const CONTRACT_ROUTE = Symbol('lcm:contract-route');

/**
 * The longest text a path or query parameter may hold: several such values must fit one URL of
 * MAX_URL_LENGTH (http-semantics) even percent-encoded, or a request the API document allows
 * would be refused with 414. The OpenAPI document states it as the parameters' maxLength.
 */
export const MAX_URL_TEXT_LENGTH = 512;

function overlongUrlTexts(value: unknown, part: 'params' | 'query') {
  return Object.entries((value ?? {}) as Record<string, unknown>)
    .filter(([, text]) => typeof text === 'string' && text.length > MAX_URL_TEXT_LENGTH)
    .map(([name, text]) => ({
      field: `${part}.${name}`,
      message: `at most ${MAX_URL_TEXT_LENGTH} characters (got ${(text as string).length})`,
    }));
}

/** The body without the array whose entries the handler checks one by one (Route.entriesCheckedOneByOne). */
function withoutEntriesCheckedOneByOne(route: Route, body: unknown): unknown {
  const field = route.entriesCheckedOneByOne;
  if (!field || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { [field]: _entries, ...rest } = body as Record<string, unknown>;
  return rest;
}

const METHODS = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PUT: RequestMethod.PUT,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
} as const;

function successStatus(route: Route): number {
  const statuses = Object.keys(route.responses)
    .map(Number)
    .sort((a, b) => a - b);
  return statuses[0] ?? 200;
}

/**
 * Binds a handler to a route of @lcm/contracts: method, path and success status come from the
 * contract, and the route is recorded for the auth guard, input parsing and the OpenAPI document.
 */
export function ContractRoute(route: Route): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: route.path, method: METHODS[route.method] }),
    HttpCode(successStatus(route)),
    SetMetadata(CONTRACT_ROUTE, route),
  );
}

export interface ContractInput<R extends Route> {
  params: R['params'] extends z.ZodType ? z.output<R['params']> : Record<string, never>;
  query: R['query'] extends z.ZodType ? z.output<R['query']> : Record<string, never>;
  body: R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
}

/** Parses a request against its route's schemas; every bad field of every part is reported at once. */
export function parseContractInput<R extends Route>(
  route: R,
  request: Pick<FastifyRequest, 'params' | 'query' | 'body'>,
): ContractInput<R> {
  const parts = [
    ['params', route.params, request.params ?? {}],
    ['query', route.query, request.query ?? {}],
    ['body', route.body, request.body],
  ] as const;
  const parsed: Record<string, unknown> = { params: {}, query: {}, body: undefined };
  const problems = [];
  for (const [part, schema, value] of parts) {
    if (!schema) continue;
    const overlong = [
      ...unstorableTexts(part === 'body' ? withoutEntriesCheckedOneByOne(route, value) : value, [part]),
      ...(part === 'body' ? [] : overlongUrlTexts(value, part)),
    ];
    if (overlong.length > 0) {
      problems.push(...overlong);
      continue;
    }
    const result = (schema as z.ZodType).safeParse(value);
    if (result.success) parsed[part] = result.data;
    else
      problems.push(
        ...toFieldErrors(result.error).map((e) => ({ ...e, field: e.field ? `${part}.${e.field}` : part })),
      );
  }
  if (problems.length > 0) throw invalidInput(problems);
  return parsed as unknown as ContractInput<R>;
}

/** The handler's parsed `{params, query, body}`, validated by the route given to @ContractRoute. */
export const Input = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const route = Reflect.getMetadata(CONTRACT_ROUTE, context.getHandler()) as Route | undefined;
  if (!route) throw new Error(`@Input() used on ${context.getHandler().name} without @ContractRoute`);
  return parseContractInput(route, context.switchToHttp().getRequest<FastifyRequest>());
});
