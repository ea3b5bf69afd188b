export * from './errors';
export { type RetryOptions, type RetryPolicy, DEFAULT_RETRY_POLICY } from './retry';
export {
  type CallArgs,
  type CallInput,
  type CallOptions,
  type CallResult,
  type CpaHttpCoreFlavour,
  type CpaHttpCoreOptions,
  CpaHttpCore,
  type RouteCaller,
  DEFAULT_TIMEOUT_MS,
} from './cpa-http-core';
export { type BoundRoutes, type RouteTable } from './bind-routes';
export { CpaApiClient } from './cpa-api-client';
export {
  ControlPlaneApiClient,
  type ControlPlane,
  bindControlPlane,
  type ControlPlaneApiClientOptions,
  controlPlaneApiRoutes,
} from './control-plane-api.client';
export { PublicApiClient, type PublicApiClientOptions, publicApiRoutes } from './public-api.client';
