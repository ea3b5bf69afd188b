import { type Route } from '@lcm/contracts';
import { type CallArgs, type CallResult, type CpaHttpCore } from './cpa-http-core';

/** What both client flavours share: the core, and `call` for any route of their audience. */
export abstract class CpaApiClient<Audience extends Route['auth']> {
  protected constructor(protected readonly core: CpaHttpCore) {}

  /** Calls any route of this client's audience, including ones without a named method. */
  call<R extends Route & { readonly auth: Audience }>(
    route: R,
    ...args: CallArgs<R>
  ): Promise<CallResult<R>> {
    return this.core.call(route, ...args);
  }
}
