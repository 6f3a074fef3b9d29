import type { Socket } from 'node:net';
import { requestBodyFramer, type BodyFramer, type RequestHead } from '../http/index';

/** Body bytes held while no backend connection is ready; past this the client is paused. */
const HELD_BODY_LIMIT = 64 * 1024;
/** Body bytes kept for a retry on a fresh connection; a larger body is never retried. */
const RETAINED_BODY_LIMIT = 64 * 1024;

/**
 * A request body on its way to a backend: framed as it arrives, held while no connection is
 * ready, and kept (up to 64 KiB) so an idempotent request can be sent again after a pooled
 * connection fails. Chunks are views of the client's reads: Node never reuses those buffers.
 */
export class RequestBody {
  readonly framer: BodyFramer;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private retained: Buffer[] | null = [];
  private retainedBytes = 0;

  constructor(head: RequestHead) {
    this.framer = requestBodyFramer(head);
  }

  /** Every byte received so far is still at hand for a resend. */
  get replayable(): boolean {
    return this.retained !== null;
  }

  /** Records a slice the framer accepted (for a possible resend). */
  retain(slice: Buffer): void {
    if (this.retained === null) return;
    this.retainedBytes += slice.length;
    if (this.retainedBytes > RETAINED_BODY_LIMIT) this.retained = null;
    else this.retained.push(slice);
  }

  /** Some body bytes wait for a connection. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Holds a slice until a connection is ready; returns true when the holder is full. */
  hold(slice: Buffer): boolean {
    this.held.push(slice);
    this.heldBytes += slice.length;
    return this.heldBytes >= HELD_BODY_LIMIT;
  }

  /** Writes what is held to `socket` (the caller corks around the head and this). */
  flushTo(socket: Socket): void {
    for (const chunk of this.held) socket.write(chunk);
    this.held = [];
    this.heldBytes = 0;
  }

  /** Holds everything received again, for a resend from the first body byte. */
  rewind(): void {
    this.held = this.retained!.slice();
    this.heldBytes = this.retainedBytes;
  }
}
