import { Injectable } from '@nestjs/common';

/**
 * Rewrites, from MongoDB, every etcd key one bounded context owns (decision 18). Each context
 * registers one at start-up; the republisher runs them all at start-up and after an etcd reconnect.
 */
export interface EtcdProjector {
  readonly name: string;
  republishAll(): Promise<void>;
}

@Injectable()
export class ProjectionRegistry {
  private readonly projectors: EtcdProjector[] = [];

  register(projector: EtcdProjector): void {
    this.projectors.push(projector);
  }

  all(): readonly EtcdProjector[] {
    return this.projectors;
  }
}
