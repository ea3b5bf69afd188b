import { MongoClientClosedError, MongoDriverError, MongoExpiredSessionError } from 'mongodb';
import { InvalidCursorError } from '../mongo/page-cursor';
import { toProblem } from './problem-details';
import {
  ConcurrencyConflictError,
  DocumentNotFoundError,
  DuplicateDocumentError,
} from '../mongo/versioned-collection';

/** The driver's pool errors are not exported; this one carries the name the driver gives them. */
class PoolClosedError extends MongoDriverError {
  override get name(): string {
    return 'MongoPoolClosedError';
  }
}

describe('toProblem for a store whose client is being replaced', () => {
  it.each([
    [
      'a pool closed under the request',
      new PoolClosedError('Attempted to check out a connection from closed connection pool'),
    ],
    ['a session of the closed client', new MongoExpiredSessionError()],
    ['the closed client', new MongoClientClosedError()],
  ])('answers 503 DEPENDENCY_UNAVAILABLE for %s, never 500', (_, error) => {
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
  });

  it('leaves any other driver error unexpected (500)', () => {
    expect(toProblem(new MongoDriverError('something else'))).toBeNull();
  });
});

describe('toProblem for persistence errors', () => {
  it('answers a missing document with 404 NOT_FOUND naming it', () => {
    expect(toProblem(new DocumentNotFoundError('lab record', 'l1'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'lab record l1 not found',
    });
  });

  it('answers a cursor this server did not issue with 400 naming query.cursor', () => {
    expect(toProblem(new InvalidCursorError())).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'query.cursor', message: 'invalid cursor' }],
    });
  });

  it('answers a race still lost after the retries with 409 VERSION_CONFLICT', () => {
    expect(toProblem(new ConcurrencyConflictError('lablet_sessions', 's1', 3))).toMatchObject({
      status: 409,
      code: 'VERSION_CONFLICT',
    });
  });

  it('answers a taken unique value with 409 DUPLICATE', () => {
    expect(toProblem(new DuplicateDocumentError('reservation_claims', 'r1 is taken'))).toMatchObject({
      status: 409,
      code: 'DUPLICATE',
    });
  });
});
