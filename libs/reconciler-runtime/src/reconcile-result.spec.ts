import { done, failed, mergeResults, requeueAfter, TerminalError, isTerminalError } from './reconcile-result';

describe('reconcile results', () => {
  it('merges sub-step results: an error wins, else the earliest requeue, else done', () => {
    const error = new Error('x');
    expect(mergeResults([done(), requeueAfter(500), failed(error)])).toEqual(failed(error));
    expect(mergeResults([requeueAfter(5_000), done(), requeueAfter(200)])).toEqual(requeueAfter(200));
    expect(mergeResults([done(), done()])).toEqual(done());
    expect(mergeResults([])).toEqual(done());
  });

  it('never requeues into the past', () => {
    expect(requeueAfter(-5)).toEqual({ kind: 'requeue', afterMs: 0 });
  });

  it('recognises terminal errors', () => {
    expect(isTerminalError(new TerminalError('bad input'))).toBe(true);
    expect(isTerminalError(new Error('transient'))).toBe(false);
  });
});
