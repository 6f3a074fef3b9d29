import { haproxyTarget } from '../peers/haproxy';
import { nginxTarget } from '../peers/nginx';
import { nodeHttpProxyTarget } from '../peers/node-http-proxy';
import { algorithms, balancerTarget } from './balancer-target';
import { directCappedTarget, directTarget } from './direct-target';
import { TargetSpec } from './target';

/** Every target `compare` knows, in report order. */
export const allTargets: TargetSpec[] = [
  directTarget,
  directCappedTarget,
  ...algorithms.map((a) => balancerTarget('l4', a)),
  balancerTarget('l4', 'round-robin', 'handoff'),
  ...algorithms.map((a) => balancerTarget('l7', a)),
  haproxyTarget('tcp'),
  haproxyTarget('http'),
  nginxTarget,
  nodeHttpProxyTarget,
];

/** Group names accepted by `--targets` besides the target names themselves. */
export const targetGroups: Record<string, string[]> = {
  l4: allTargets.filter((t) => t.name.startsWith('l4-')).map((t) => t.name),
  l7: allTargets.filter((t) => t.name.startsWith('l7-')).map((t) => t.name),
  peers: allTargets.filter((t) => t.kind === 'peer').map((t) => t.name),
};
