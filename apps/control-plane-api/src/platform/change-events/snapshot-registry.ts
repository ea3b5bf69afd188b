import { Injectable } from '@nestjs/common';
import { type ChangeEvent } from './change-event-bus';

/** Produces the `*.snapshot` events a newly connected SSE client starts from. */
export type SnapshotSource = () => Promise<ChangeEvent[]>;

/** Bounded contexts register their snapshot here at start-up; the stream sends them in order. */
@Injectable()
export class SnapshotRegistry {
  private readonly sources: SnapshotSource[] = [];

  register(source: SnapshotSource): void {
    this.sources.push(source);
  }

  async snapshot(): Promise<ChangeEvent[]> {
    const parts = await Promise.all(this.sources.map((source) => source()));
    return parts.flat();
  }
}
