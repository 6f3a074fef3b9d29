import type { Backend, BackendSet } from '../backend';
import { IpHashBalancer } from './ip-hash';
import { LeastConnectionsBalancer } from './least-connections';
import { RoundRobinBalancer } from './round-robin';

export type Algorithm = 'round-robin' | 'least-connections' | 'ip-hash';
export const ALGORITHMS: readonly Algorithm[] = ['round-robin', 'least-connections', 'ip-hash'];

/** What a pick may use: the client's key (its address, for IP hash) and backends to avoid. */
export interface PickContext {
  /** Client address, already normalised (see `normaliseAddress`). */
  clientKey: string;
  /** Backend slots already tried for this connection or request. */
  exclude?: ReadonlySet<number>;
  /** Date.now() at the pick; injected so tests control ejection expiry. */
  now: number;
}

/**
 * The policy that picks a backend. A pick both chooses and takes: the returned backend's active
 * count already includes this unit of work, so the caller must `set.release(backend)` exactly once.
 * Returns null when no eligible backend has room.
 */
export interface Balancer {
  readonly algorithm: Algorithm;
  pick(ctx: PickContext): Backend | null;
}

export function createBalancer(algorithm: Algorithm, set: BackendSet): Balancer {
  switch (algorithm) {
    case 'round-robin':
      return new RoundRobinBalancer(set);
    case 'least-connections':
      return new LeastConnectionsBalancer(set);
    case 'ip-hash':
      return new IpHashBalancer(set);
  }
}

/** Folds IPv4-mapped IPv6 (`::ffff:10.0.0.1`) to plain IPv4 so both forms hash alike. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
