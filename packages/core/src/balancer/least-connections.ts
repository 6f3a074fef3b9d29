import type { Backend, BackendSet } from '../backend';
import type { Balancer, PickContext } from './index';

/**
 * Least connections by weight: picks the eligible backend with the lowest (active + 1) / weight,
 * reading the counters every worker shares, so the choice is exact across threads. The chosen
 * counter is taken with a compare-and-swap against the value the scan read; if another worker
 * moved it first, the scan runs again. Ties rotate from a per-worker start so equal backends
 * share new work instead of the first one taking it all.
 *
 * Example: A holds 10, B 0, C 0, all weight 1: B and C take the next 20 picks, alternating, until
 * each reaches 10, then all three share.
 */
export class LeastConnectionsBalancer implements Balancer {
  readonly algorithm = 'least-connections' as const;
  private rotation = 0;

  constructor(private readonly set: BackendSet) {}

  pick(ctx: PickContext): Backend | null {
    for (let attempt = 0; attempt < 32; attempt++) {
      const choice = this.scan(ctx);
      if (!choice) return null;
      if (this.set.tryTake(choice.backend, choice.seen)) return choice.backend;
    }
    return null;
  }

  private scan(ctx: PickContext): { backend: Backend; seen: number } | null {
    const list = this.set.list;
    const start = this.rotation++ % Math.max(1, list.length);
    let best: Backend | null = null;
    let bestSeen = 0;
    let bestScore = Infinity;
    for (let k = 0; k < list.length; k++) {
      const b = list[(start + k) % list.length]!;
      if (ctx.exclude?.has(b.slot) || !this.set.isEligible(b, ctx.now)) continue;
      const seen = this.set.active(b);
      if (b.maxConnections > 0 && seen >= b.maxConnections) continue;
      const score = (seen + 1) / b.weight;
      if (score < bestScore) {
        best = b;
        bestSeen = seen;
        bestScore = score;
      }
    }
    return best ? { backend: best, seen: bestSeen } : null;
  }
}
