/** Splits a total limit over n servers, as evenly as whole numbers allow: 100/3 -> 34, 33, 33. */
export function splitLimit(total: number, servers: number): number[] {
  const base = Math.floor(total / servers);
  return Array.from({ length: servers }, (_, i) => base + (i < total % servers ? 1 : 0));
}
