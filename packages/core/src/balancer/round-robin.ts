import type { Backend, BackendSet } from '../backend';
import type { Balancer, PickContext } from './index';

/**
 * Weighted round robin over one cursor shared by every worker, so N workers together walk one
 * sequence instead of each restarting at the first backend.
 *
 * The sequence is the smooth weighted order of the eligible backends (weights 1:2:3 over A, B, C
 * give C B A C B C, six picks per cycle), rebuilt when the eligible set changes; 300 picks give
 * exactly 50/100/150. Trade-off: one shared atomic add per pick, and an O(backends) eligibility
 * scan; both cost nanoseconds next to a connection.
 */
export class RoundRobinBalancer implements Balancer {
  readonly algorithm = 'round-robin' as const;
  /** Schedules by eligible set: a bit mask of list positions, or their joined slots past 30. */
  private readonly schedules = new Map<number | string, Backend[]>();

  constructor(private readonly set: BackendSet) {}

  pick(ctx: PickContext): Backend | null {
    const schedule = this.scheduleFor(ctx.now);
    if (schedule === null) return null;
    const cursor = this.set.state.add('rrCursor', 0, 1) >>> 0;
    for (let k = 0; k < schedule.length; k++) {
      const b = schedule[(cursor + k) % schedule.length]!;
      if (ctx.exclude?.has(b.slot)) continue;
      if (this.set.take(b)) return b;
    }
    return null;
  }

  /** The schedule of the backends eligible now, or null when none is; allocates only when new. */
  private scheduleFor(now: number): Backend[] | null {
    const list = this.set.list;
    let key: number | string = 0;
    if (list.length <= 30) {
      for (let i = 0; i < list.length; i++) if (this.set.isEligible(list[i], now)) key |= 1 << i;
      if (key === 0) return null;
    } else {
      key = list
        .filter((b) => this.set.isEligible(b, now))
        .map((b) => b.slot)
        .join(',');
      if (key === '') return null;
    }
    let schedule = this.schedules.get(key);
    if (schedule === undefined) {
      const eligible = list.filter((b) => this.set.isEligible(b, now));
      if (eligible.length === 0) return null;
      schedule = smoothWeightedOrder(eligible);
      this.schedules.set(key, schedule);
    }
    return schedule;
  }
}

/**
 * One full cycle of smooth weighted round robin: each step every backend gains its weight, the
 * richest is picked and pays the total. Spreads a heavy backend's turns through the cycle.
 */
export function smoothWeightedOrder(backends: readonly Backend[]): Backend[] {
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  const credit = backends.map(() => 0);
  const order: Backend[] = [];
  for (let step = 0; step < total; step++) {
    let best = 0;
    for (let i = 0; i < backends.length; i++) {
      credit[i]! += backends[i]!.weight;
      if (credit[i]! > credit[best]!) best = i;
    }
    credit[best]! -= total;
    order.push(backends[best]!);
  }
  return order;
}
