import { MongoClient } from 'mongodb';
import { sortedReadOptions } from './sorted-read';

// The client is never connected: its options are resolved when it is constructed.
const dbWith = (options: ConstructorParameters<typeof MongoClient>[1]) =>
  new MongoClient('mongodb://127.0.0.1:1', options).db('lcm');

describe('sortedReadOptions', () => {
  it('lets the store run a sorted read for 80 % of the client socket timeout', () => {
    expect(sortedReadOptions(dbWith({ socketTimeoutMS: 5000 }))).toEqual({ maxTimeMS: 4000 });
  });

  it('sets no limit when the client waits forever', () => {
    expect(sortedReadOptions(dbWith({}))).toEqual({});
  });
});
