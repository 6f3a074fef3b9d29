import type { Socket } from 'node:net';
import type { ProxyContext } from './context';
import type { Tunnel } from './tunnel';

/** Why the client connection stops reading; each is lifted by whoever set it. */
export const PAUSE_HELD = 2;
export const PAUSE_UPSTREAM = 4;

/** The client connection, as one exchange sees it. */
export interface ExchangeHost {
  readonly proxy: ProxyContext;
  readonly socket: Socket;
  /** The peer address, normalised. */
  readonly peer: string;
  /** The connection will close after this exchange whatever the exchange says. */
  readonly closing: boolean;
  pauseReading(reason: number): void;
  resumeReading(reason: number): void;
  /** The response is complete (or an error was sent); `keepAlive`: read the next request. */
  exchangeDone(keepAlive: boolean): void;
  /** The backend accepted an upgrade: bytes now flow through `tunnel`. */
  startTunnel(tunnel: Tunnel): void;
  /** Cuts the client off: a response already begun cannot be completed. */
  abortConnection(): void;
}
