/** Injection tokens of the platform's shared clients. */
export const MONGO_CLIENT = Symbol('lcm:mongo-client');
export const MONGO_DB = Symbol('lcm:mongo-db');
export const ETCD_CLIENT = Symbol('lcm:etcd-client');
export const LOGGER = Symbol('lcm:logger');
export const CLOCK = Symbol('lcm:clock');
