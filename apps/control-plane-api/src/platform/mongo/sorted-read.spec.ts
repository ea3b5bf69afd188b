import { MongoClient } from 'mongodb';
import { sortedReadOptions } from './sorted-read';

// The client is never connected: its options are resolved when it is constructed.
const dbWith = (options: ConstructorParameters<typeof MongoClient>[1]) =>
  new MongoClient('mongodb://127.0.0.1:1', options).db('lcm');

describe('sortedReadOptions', () => {
  it('lets the store run a sorted read for 80 % of the client socket timeout', () => {
    expect(sortedReadOptions(dbWith({ socketTimeoutMS: 5000 }))(0)).toEqual({ maxTimeMS: 4000 });
  });

  it('asks for a bounded read in one batch', () => {
    expect(sortedReadOptions(dbWith({ socketTimeoutMS: 5000 }))(1001)).toEqual({
      maxTimeMS: 4000,
      batchSize: 1001,
    });
  });

  it('sets no time limit when the client waits forever', () => {
    expect(sortedReadOptions(dbWith({}))(0)).toEqual({});
  });
});
