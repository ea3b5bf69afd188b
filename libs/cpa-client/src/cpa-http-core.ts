import {
  buildPath,
  CORRELATION_ID_HEADER,
  type FieldError,
  type PathParamNames,
  type Route,
  type RouteBody,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
  toFieldErrors,
} from '@lcm/contracts';
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import { type z } from 'zod';
import { ContractViolationError, type CpaError, UnavailableError } from './errors';
import { errorFromAnswer, parseJson, type SentRequest } from './problem-decoding';
import { isIdempotentMethod, retryCpaCall, type RetryOptions } from './retry';

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface CallOptions {
  /** Overrides the client's correlation id for this call. */
  correlationId?: string;
  timeoutMs?: number;
  /**
   * Lets the caller vouch that repeating this call is harmless (or forbid retries of a GET); by
   * default GET, PUT and DELETE are retried and POST and PATCH are not.
   */
  idempotent?: boolean;
}

type ParamsInput<R extends Route> = [PathParamNames<R['path']>] extends [never]
  ? { params?: never }
  : { params: RouteParams<R> };
type QueryInput<R extends Route> = R['query'] extends z.ZodType
  ? { query?: RouteQuery<R> }
  : { query?: never };
type BodyInput<R extends Route> = R['body'] extends z.ZodType ? { body: RouteBody<R> } : { body?: never };

/** What one call of `route` takes: its path params, query and body as the contract types them, plus per-call options. */
export type CallInput<R extends Route> = ParamsInput<R> & QueryInput<R> & BodyInput<R> & CallOptions;
/** The input may be left out when the route needs nothing (no params, no body). */
export type CallArgs<R extends Route> =
  object extends CallInput<R> ? [input?: CallInput<R>] : [input: CallInput<R>];
/** The parsed body of any success status the route declares (undefined for bodiless ones). */
export type CallResult<R extends Route> = RouteResponse<R, keyof R['responses']>;

/** The runtime view of a `CallInput`, once the route-specific typing has done its job at the call site. */
interface UntypedCallInput extends CallOptions {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
}

export interface CpaHttpCoreOptions {
  /** Origin of the control-plane API, e.g. `http://control-plane-api:8080`; route paths carry their `/api/...` prefix. */
  baseUrl: string;
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Correlation id of the work in progress (e.g. the reconcile run), read at every call. */
  correlationId?: () => string | undefined;
}

export interface CpaHttpCoreFlavour {
  /** Read at every attempt, so a refreshed token is used by the retry. */
  authHeaders: () => Record<string, string> | Promise<Record<string, string>>;
  /** POST routes the spec makes safe to repeat, so they are retried like GET. */
  idempotentPosts?: ReadonlySet<Route>;
}

const fillPath = buildPath as (route: Route, params?: Record<string, string | number>) => string;

/** Repeated keys for arrays, which the contracts' `OneOrMany` filters accept; undefined filters are left out. */
export function toQueryString(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(name, String(item));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The one way to call CPA: builds the path from the route, sends query and body, and accepts only
 * what the route declares; anything else becomes a typed `CpaError`. Request inputs are typed but
 * not parsed here: CPA is the one validator, and its 400s reach the caller as `ValidationError`.
 */
/** Anything that performs a route call: the HTTP core, or a test fake of the control plane. */
export interface RouteCaller {
  call<R extends Route>(route: R, ...args: CallArgs<R>): Promise<CallResult<R>>;
}

export class CpaHttpCore implements RouteCaller {
  private readonly http: AxiosInstance;
  private readonly options: CpaHttpCoreOptions & CpaHttpCoreFlavour;

  constructor(options: CpaHttpCoreOptions & CpaHttpCoreFlavour) {
    this.options = options;
    // Statuses are never thrown by axios and bodies stay text: an HTML 502 from a proxy must become
    // an UnavailableError, not a JSON syntax exception.
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  async call<R extends Route>(route: R, ...[input]: CallArgs<R>): Promise<CallResult<R>> {
    const { params, query, body, correlationId, timeoutMs, idempotent } = (input ?? {}) as UntypedCallInput;
    const request: SentRequest = {
      method: route.method,
      path: fillPath(route, params),
      correlationId: correlationId ?? this.options.correlationId?.(),
    };
    const url = request.path + toQueryString(query);
    const send = async () => this.accept(route, request, await this.send(request, url, body, timeoutMs));
    const repeatable =
      idempotent ?? (isIdempotentMethod(route.method) || (this.options.idempotentPosts?.has(route) ?? false));
    return retryCpaCall(send, repeatable, this.options.retry ?? {}) as Promise<CallResult<R>>;
  }

  private async send(
    request: SentRequest,
    url: string,
    body: unknown,
    timeoutMs: number | undefined,
  ): Promise<AxiosResponse<string>> {
    const headers: Record<string, string | false> = {
      accept: 'application/json',
      ...(await this.options.authHeaders()),
      ...(request.correlationId === undefined ? {} : { [CORRELATION_ID_HEADER]: request.correlationId }),
      // A JSON content type only with a body (CPA rejects it on an empty one); `false` also stops
      // axios adding its form-urlencoded default to a bodyless POST.
      'content-type': body === undefined ? false : 'application/json',
    };
    try {
      return await this.http.request<string>({
        method: request.method,
        url,
        headers,
        data: body === undefined ? undefined : JSON.stringify(body),
        ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
      });
    } catch (error) {
      if (!isAxiosError(error)) throw error;
      throw new UnavailableError({
        ...request,
        status: undefined,
        code: 'DEPENDENCY_UNAVAILABLE',
        detail: error.code ? `${error.code}: ${error.message}` : error.message,
        cause: error,
      });
    }
  }

  private accept(route: Route, request: SentRequest, answer: AxiosResponse<string>): unknown {
    const received = {
      status: answer.status,
      bodyText: answer.data ?? '',
      headers: answer.headers as Record<string, unknown>,
    };
    if (answer.status >= 400) throw errorFromAnswer(request, received);
    const schema = (route.responses as Record<number, z.ZodType | null | undefined>)[answer.status];
    if (schema === undefined) {
      throw this.contractViolation(
        request,
        answer.status,
        `undeclared status; the route declares ${Object.keys(route.responses).join(', ')}`,
      );
    }
    if (schema === null) return undefined;
    const parsed = schema.safeParse(parseJson(received.bodyText));
    if (!parsed.success)
      throw this.contractViolation(
        request,
        answer.status,
        'body does not match the route schema',
        toFieldErrors(parsed.error),
      );
    return parsed.data;
  }

  private contractViolation(
    request: SentRequest,
    status: number,
    detail: string,
    fieldErrors?: FieldError[],
  ): CpaError {
    return new ContractViolationError({ ...request, status, code: 'INTERNAL_ERROR', detail, fieldErrors });
  }
}
