import { type Etcd3, type Lease, type Watcher } from 'etcd3';
import { type ControllerName, decodeEtcdValue, encodeEtcdValue, etcdKeys, type LeaderValue } from '@lcm/contracts';
import { type Logger } from '@lcm/observability';

export interface LeaderElectionOptions {
  etcd: Etcd3;
  controller: ControllerName;
  replicaId: string;
  /** Read when campaigning, so it may be known only once the admin server listens. */
  adminUrl: () => string;
  ttlSeconds: number;
  logger: Logger;
  /** How long a replica that resigned stays out of the race, so a standby takes over. */
  resignHoldOffMs?: number;
}

/** Proof of leadership sent with every control-plane call: the leader key's create revision. */
export interface LeaderTerm {
  readonly leaseId: string;
  readonly revision: string;
  readonly since: Date;
}

/**
 * One leader per controller through an etcd lease (docs/decisions/reconcilers.md): the leader key
 * `/lcm/<controller>/leader` is created only if absent, on this replica's lease, which the etcd3
 * client renews every TTL/3. Following the Jepsen etcd analysis, a lease is no lock by itself:
 * this replica stops leading as soon as two renewals in a row went unanswered (well before the
 * server can expire the lease and elect another), and every control-plane call carries the term's
 * revision, so the control plane can refuse a stale leader's writes. Standbys watch the key and
 * campaign the moment it is deleted (resign) or expires (a killed leader).
 */
export class LeaderElection {
  private lease?: Lease;
  private term?: LeaderTerm;
  private watcher?: Watcher;
  private stopped = false;
  private holdOffUntil = 0;
  private lastRenewedAt = 0;
  private campaignTimer?: NodeJS.Timeout;
  private livenessTimer?: NodeJS.Timeout;
  private readonly listeners: Array<(leading: boolean) => void> = [];
  private campaigning = false;

  constructor(private readonly options: LeaderElectionOptions) {}

  get key(): string {
    return etcdKeys.leader(this.options.controller);
  }

  get replicaId(): string {
    return this.options.replicaId;
  }

  /** Leading right now: elected and the lease renewed recently enough to be sure nobody else is. */
  isLeader(): boolean {
    return this.term !== undefined && Date.now() - this.lastRenewedAt < this.renewalGraceMs();
  }

  currentTerm(): LeaderTerm | undefined {
    return this.isLeader() ? this.term : undefined;
  }

  onChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.watcher = await this.options.etcd.watch().key(this.key).create();
    this.watcher.on('delete', () => this.scheduleCampaign(0));
    this.watcher.on('connected', () => this.scheduleCampaign(0));
    this.livenessTimer = setInterval(() => this.checkLiveness(), 500);
    this.livenessTimer.unref();
    this.scheduleCampaign(0);
  }

  /** The value in the leader key now, whoever holds it. */
  async currentLeader(): Promise<LeaderValue | null> {
    const raw = await this.options.etcd.get(this.key).string();
    if (raw === null) return null;
    try {
      return decodeEtcdValue('leader', raw);
    } catch {
      return null;
    }
  }

  /** Gives up leadership now (the key goes with the lease) and stays out of the race for a while. */
  async resign(): Promise<void> {
    this.holdOffUntil = Date.now() + (this.options.resignHoldOffMs ?? this.options.ttlSeconds * 1000);
    await this.dropLease('resigned');
    this.scheduleCampaign(this.holdOffUntil - Date.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.campaignTimer);
    clearInterval(this.livenessTimer);
    await this.watcher?.cancel().catch(() => undefined);
    await this.dropLease('stopping');
  }

  private renewalGraceMs(): number {
    // Renewals go out every TTL/3; missing two in a row leaves a third of the TTL before expiry.
    return (this.options.ttlSeconds * 1000 * 2) / 3;
  }

  private scheduleCampaign(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.campaignTimer);
    const wait = Math.max(delayMs, this.holdOffUntil - Date.now(), 0);
    this.campaignTimer = setTimeout(() => void this.campaign(), wait);
    this.campaignTimer.unref();
  }

  private async campaign(): Promise<void> {
    if (this.stopped || this.term || this.campaigning || Date.now() < this.holdOffUntil) return;
    this.campaigning = true;
    const { etcd, ttlSeconds, logger } = this.options;
    try {
      const lease = etcd.lease(ttlSeconds);
      lease.on('lost', (error) => {
        logger.warn({ err: error }, 'leader lease lost');
        if (this.lease === lease) void this.dropLease('lease lost').then(() => this.scheduleCampaign(1000));
      });
      lease.on('keepaliveSucceeded', () => {
        if (this.lease === lease) this.lastRenewedAt = Date.now();
      });
      const leaseId = await lease.grant();
      const value: LeaderValue = {
        replica_id: this.options.replicaId,
        admin_url: this.options.adminUrl(),
        elected_at: new Date().toISOString(),
      };
      const result = await etcd
        .if(this.key, 'Create', '==', 0)
        .then(etcd.put(this.key).value(encodeEtcdValue('leader', value)).lease(leaseId))
        .commit();
      if (!result.succeeded) {
        await lease.revoke().catch(() => undefined);
        // The key's deletion (resign or expiry) wakes the watcher; the timer covers a missed event.
        this.scheduleCampaign(this.options.ttlSeconds * 500);
        return;
      }
      this.lease = lease;
      this.lastRenewedAt = Date.now();
      this.term = { leaseId, revision: String(result.header.revision), since: new Date() };
      logger.info({ replica_id: this.options.replicaId, revision: this.term.revision }, 'elected leader');
      this.emit(true);
    } catch (error) {
      logger.warn({ err: error }, 'campaign failed; retrying');
      this.scheduleCampaign(1000);
    } finally {
      this.campaigning = false;
    }
  }

  private checkLiveness(): void {
    if (this.term && !this.isLeader()) {
      this.options.logger.warn('leader lease not renewed in time; stepping down');
      void this.dropLease('renewal overdue').then(() => this.scheduleCampaign(1000));
    }
  }

  private async dropLease(reason: string): Promise<void> {
    const lease = this.lease;
    const wasLeading = this.term !== undefined;
    this.lease = undefined;
    this.term = undefined;
    if (wasLeading) {
      this.options.logger.info({ reason }, 'no longer leader');
      this.emit(false);
    }
    await lease?.revoke().catch(() => undefined);
  }

  private emit(leading: boolean): void {
    for (const listener of this.listeners) listener(leading);
  }
}
