import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import { type z } from 'zod';
import { type BearerTokenCache, withBearerToken } from './bearer-token';
import {
  type IntegrationError,
  type IntegrationErrorKind,
  type IntegrationSystem,
  integrationError,
  InvalidError,
  UnavailableError,
} from './errors';
import { defaultIntegrationLogger, type IntegrationLogger } from './logger';
import { type RetryPolicy, withRetry } from './retry';
import { describeErrorBody, errorKindForStatus, parseRetryAfterMs } from './status-mapping';
import { parseReportingUnknownValues } from './tolerant-enum';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface AxiosFactoryOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** false accepts any certificate (CML workers ship self-signed ones); prefer `caCertificate` when the CA is known. */
  verifyTls?: boolean;
  /** PEM of a CA to trust in addition to verification (certificate pinning for a worker). */
  caCertificate?: string;
  basicAuth?: { username: string; password: string };
  headers?: Record<string, string>;
}

/**
 * Every client's axios instance. Statuses are never thrown by axios and bodies arrive as raw text:
 * the caller maps statuses to typed errors and parses bodies itself, so an HTML 502 page from a
 * proxy is an Unavailable error rather than a JSON syntax exception.
 */
export function createAxiosInstance(options: AxiosFactoryOptions): AxiosInstance {
  const needsAgent = options.verifyTls === false || options.caCertificate !== undefined;
  return axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
    ...(options.basicAuth ? { auth: options.basicAuth } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(needsAgent
      ? {
          httpsAgent: new https.Agent({
            keepAlive: true,
            rejectUnauthorized: options.verifyTls !== false,
            ...(options.caCertificate ? { ca: options.caCertificate } : {}),
          }),
        }
      : {}),
  });
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequestSpec {
  /** Port-level operation name, carried by errors and logs. */
  operation: string;
  method: HttpMethod;
  /** Path relative to the base URL; segments must already be encoded (see `encodePathSegment`). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Strings are sent verbatim (set Content-Type in `headers`); anything else is sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Marks the call safe to repeat: only then are Throttled/Unavailable failures retried. */
  idempotent: boolean;
  timeoutMs?: number;
  /** Per-operation corrections to the default status mapping, e.g. `{ 400: 'not_found' }`. */
  statusOverrides?: Partial<Record<number, IntegrationErrorKind>>;
  /** Sent without the bearer token (login and public endpoints). */
  anonymous?: boolean;
}

export interface HttpCallerOptions {
  system: IntegrationSystem;
  http: AxiosInstance;
  retry?: Partial<RetryPolicy>;
  logger?: IntegrationLogger;
  /** When set, every non-anonymous request carries its token and is replayed once after a 401. */
  bearer?: BearerTokenCache;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const encodePathSegment = (segment: string | number): string => encodeURIComponent(String(segment));

/**
 * Sends one logical request: bearer auth with one re-auth on 401, bounded jittered retries for
 * idempotent calls, status -> typed error mapping and zod parsing of the body.
 */
export class HttpCaller {
  private readonly logger: IntegrationLogger;

  constructor(private readonly options: HttpCallerOptions) {
    this.logger = options.logger ?? defaultIntegrationLogger();
  }

  /** Parses the JSON body with `schema`; a body that does not match is an InvalidError. */
  async json<Schema extends z.ZodType>(spec: HttpRequestSpec & { schema: Schema }): Promise<z.output<Schema>> {
    const response = await this.send(spec, 'application/json');
    const body = this.decodeJson(spec, response);
    const parsed = parseReportingUnknownValues(spec.schema, body, (field, rawValue) =>
      this.logger.warn(
        { system: this.options.system, operation: spec.operation, field, rawValue },
        'unknown enumeration value in response; mapped to UNKNOWN',
      ),
    );
    if (!parsed.success) {
      throw new InvalidError({
        system: this.options.system,
        operation: spec.operation,
        status: response.status,
        code: 'invalid_response',
        message: `response does not match the contract: ${parsed.error.message}`,
        cause: parsed.error,
      });
    }
    return parsed.data as z.output<Schema>;
  }

  /** Returns the raw body (YAML downloads, HTML pages, XML rulesets). */
  async text(spec: HttpRequestSpec & { accept: string }): Promise<string> {
    const response = await this.send(spec, spec.accept);
    return typeof response.data === 'string' ? response.data : String(response.data ?? '');
  }

  /** For calls whose success carries no body worth reading (204, 202). */
  async noContent(spec: HttpRequestSpec): Promise<void> {
    await this.send(spec, 'application/json');
  }

  private async send(spec: HttpRequestSpec, accept: string): Promise<AxiosResponse<string>> {
    const attemptWithAuthorization = (authorization: string | undefined) =>
      withRetry(() => this.sendOnce(spec, accept, authorization), {
        idempotent: spec.idempotent,
        ...(this.options.retry ? { policy: this.options.retry } : {}),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: ({ attempt, delayMs, error }) =>
          this.logger.warn(
            { system: this.options.system, operation: spec.operation, attempt, delayMs, status: error.status, kind: error.kind },
            'retrying idempotent call',
          ),
      });
    const bearer = this.options.bearer;
    if (!bearer || spec.anonymous) return attemptWithAuthorization(undefined);
    return withBearerToken(bearer, attemptWithAuthorization);
  }

  private async sendOnce(spec: HttpRequestSpec, accept: string, authorization: string | undefined): Promise<AxiosResponse<string>> {
    // `false` stops axios from adding its form-urlencoded default to a bodyless POST/PUT, which
    // strict servers answer with 415.
    const headers: Record<string, string | false> = { Accept: accept, 'Content-Type': false, ...spec.headers };
    if (authorization) headers['Authorization'] = authorization;
    let data: unknown = undefined;
    if (spec.body !== undefined) {
      if (typeof spec.body === 'string') {
        data = spec.body;
      } else {
        data = JSON.stringify(spec.body);
        if (!headers['Content-Type']) headers['Content-Type'] = 'application/json';
      }
    }
    let response: AxiosResponse<string>;
    try {
      response = await this.options.http.request<string>({
        method: spec.method,
        url: spec.path,
        headers,
        ...(data !== undefined ? { data } : {}),
        ...(spec.query ? { params: withoutUndefined(spec.query) } : {}),
        ...(spec.timeoutMs !== undefined ? { timeout: spec.timeoutMs } : {}),
      });
    } catch (error) {
      throw this.transportError(spec, error);
    }
    if (response.status >= 200 && response.status < 300) return response;
    throw this.statusError(spec, response);
  }

  private statusError(spec: HttpRequestSpec, response: AxiosResponse<string>): IntegrationError {
    const kind = spec.statusOverrides?.[response.status] ?? errorKindForStatus(response.status);
    const { message, code } = describeErrorBody(tryParseJson(response.data) ?? response.data);
    const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
    return integrationError(kind, {
      system: this.options.system,
      operation: spec.operation,
      status: response.status,
      ...(message ? { message } : {}),
      ...(code ? { code } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  private transportError(spec: HttpRequestSpec, error: unknown): IntegrationError {
    const code = isAxiosError(error) ? error.code : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    return new UnavailableError({
      system: this.options.system,
      operation: spec.operation,
      ...(code ? { code } : {}),
      message: code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? `timed out: ${reason}` : reason,
      cause: error,
    });
  }

  private decodeJson(spec: HttpRequestSpec, response: AxiosResponse<string>): unknown {
    const text = typeof response.data === 'string' ? response.data : '';
    if (text.trim() === '') return undefined;
    const parsed = tryParseJson(text);
    if (parsed === undefined) {
      throw new InvalidError({
        system: this.options.system,
        operation: spec.operation,
        status: response.status,
        code: 'invalid_response',
        message: `response is not JSON (content-type ${String(response.headers['content-type'] ?? 'unknown')})`,
      });
    }
    return parsed;
  }
}

function tryParseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutUndefined(query: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}
