import { normaliseAddress } from '@lb/core';
import type { RequestHead } from '../http/index';

/**
 * The address that identifies a client for IP hash: the peer's address, or, when the peer is a
 * trusted proxy, the right-most address of X-Forwarded-For that is not itself a trusted proxy
 * (left of it a client can write anything, so nothing further left is believed).
 * Example: peer 10.0.0.2 (trusted), `X-Forwarded-For: 1.1.1.1, 203.0.113.7, 10.0.0.3` with
 * 10.0.0.3 trusted gives 203.0.113.7.
 */
export function clientKeyOf(peer: string, head: RequestHead, trusted: ReadonlySet<string>): string {
  if (!trusted.has(peer)) return peer;
  const list: string[] = [];
  for (
    let i = head.indexOf('x-forwarded-for');
    i !== -1;
    i = head.indexOf('x-forwarded-for', i + 1)
  )
    list.push(...head.fieldValue(i).split(','));
  for (let k = list.length - 1; k >= 0; k--) {
    const address = normaliseAddress(list[k]!.trim());
    if (address !== '' && !trusted.has(address)) return address;
  }
  return peer;
}
