export interface RecordedCall<Operation extends string = string> {
  operation: Operation;
  args: readonly unknown[];
}

interface QueuedFailure {
  error: Error;
  remaining: number;
}

/**
 * The call log and error injection shared by the in-memory fakes. A fake calls `enter` first in
 * every operation: the call is logged, and a queued failure for that operation (or for any
 * operation) is thrown instead of running the fake's behaviour.
 */
export class FakeCallRecorder<Operation extends string = string> {
  readonly calls: RecordedCall<Operation>[] = [];
  private readonly failures = new Map<Operation | '*', QueuedFailure[]>();

  /** The next `times` calls of `operation` ('*' = any operation) throw `error`. */
  failNext(operation: Operation | '*', error: Error, times = 1): void {
    const queue = this.failures.get(operation) ?? [];
    queue.push({ error, remaining: times });
    this.failures.set(operation, queue);
  }

  enter(operation: Operation, ...args: unknown[]): void {
    this.calls.push({ operation, args });
    const failure = this.takeFailure(operation) ?? this.takeFailure('*');
    if (failure) throw failure;
  }

  callsTo(operation: Operation): readonly (readonly unknown[])[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.args);
  }

  operations(): Operation[] {
    return this.calls.map((call) => call.operation);
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
  }

  private takeFailure(key: Operation | '*'): Error | undefined {
    const queue = this.failures.get(key);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.error;
  }
}
