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
  private readonly schedules = new Map<string, Backend[]>();

  constructor(private readonly set: BackendSet) {}

  pick(ctx: PickContext): Backend | null {
    const eligible = this.set.list.filter((b) => this.set.isEligible(b, ctx.now));
    if (eligible.length === 0) return null;
    const schedule = this.scheduleFor(eligible);
    const cursor = this.set.state.add('rrCursor', 0, 1) >>> 0;
    for (let k = 0; k < schedule.length; k++) {
      const b = schedule[(cursor + k) % schedule.length]!;
      if (ctx.exclude?.has(b.slot)) continue;
      if (this.set.take(b)) return b;
    }
    return null;
  }

  private scheduleFor(eligible: Backend[]): Backend[] {
    const key = eligible.map((b) => b.slot).join(',');
    let schedule = this.schedules.get(key);
    if (!schedule) {
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
