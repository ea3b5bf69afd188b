import { type ErrorCode, type Route } from '@lcm/contracts';
import {
  bindControlPlane,
  type CallArgs,
  type CallInput,
  type CallResult,
  type ControlPlane,
  type CpaError,
  errorClassForStatus,
  type RouteCaller,
} from '@lcm/cpa-client';

export interface RecordedCall {
  route: Route;
  input: CallInput<Route> | undefined;
}

type Handler<R extends Route> = (input: CallInput<R>) => CallResult<R> | Promise<CallResult<R>>;

/**
 * An in-memory control plane for reconciler unit tests, typed on the contract routes: answer
 * routes with `on`, make the next calls fail with `failNext` (a real `CpaError` subclass chosen by
 * status, as the HTTP client would throw), and read what the reconciler asked in `calls`.
 * An unanswered route throws, so a test never passes on a call it did not expect.
 */
export class FakeControlPlane implements RouteCaller {
  readonly calls: RecordedCall[] = [];
  readonly client: ControlPlane = bindControlPlane(this);
  private readonly handlers = new Map<Route, Handler<Route>>();
  private readonly failures = new Map<Route, unknown[]>();

  on<R extends Route>(route: R, handler: Handler<R>): this {
    this.handlers.set(route, handler as unknown as Handler<Route>);
    return this;
  }

  /** The next `times` calls of `route` throw `error`, or the CpaError an answer with that status becomes. */
  failNext(route: Route, error: CpaError | Error | number, times = 1, code?: ErrorCode): this {
    const thrown = typeof error === 'number' ? cpaError(route, error, code) : error;
    this.failures.set(route, [...(this.failures.get(route) ?? []), ...Array.from({ length: times }, () => thrown)]);
    return this;
  }

  callsTo<R extends Route>(route: R): Array<CallInput<R>> {
    return this.calls.filter((call) => call.route === route).map((call) => call.input as CallInput<R>);
  }

  async call<R extends Route>(route: R, ...[input]: CallArgs<R>): Promise<CallResult<R>> {
    this.calls.push({ route, input: input as CallInput<Route> | undefined });
    const pending = this.failures.get(route);
    if (pending && pending.length > 0) throw pending.shift();
    const handler = this.handlers.get(route) as Handler<R> | undefined;
    if (!handler) throw new Error(`FakeControlPlane: no answer set for ${route.method} ${route.path}`);
    return handler((input ?? {}) as CallInput<R>);
  }
}

function cpaError(route: Route, status: number, code?: ErrorCode): CpaError {
  const ErrorClass = errorClassForStatus(status);
  const fallback: ErrorCode =
    status === 404 ? 'NOT_FOUND' : status === 409 ? 'INVALID_TRANSITION' : status === 422 ? 'CONSTRAINT_VIOLATION' : status >= 500 ? 'DEPENDENCY_UNAVAILABLE' : 'INVALID_REQUEST';
  return new ErrorClass({ method: route.method, path: route.path, status, code: code ?? fallback, detail: `injected HTTP ${status}` });
}
