import type { Socket } from 'node:net';
import {
  FAILED,
  NEED_MORE,
  buildClientResponseHead,
  responseBodyFramer,
  type BodyFramer,
  type RequestHead,
  type ResponseHead,
  type ResponseHeadParser,
} from '../http/index';
import type { UpstreamConnection } from './upstream-pool';

/** What `ResponseRelay.push` found; details are in the relay's fields. */
export const RelayStep = {
  /** Everything so far was relayed; the response goes on. */
  more: 0,
  /** The response is complete (`extraBytes`: the backend sent more than it framed). */
  done: 1,
  /** The head was invalid, or a 101 nobody asked for (`failure`); nothing was relayed. */
  badHead: 2,
  /** The body broke its framing (`failure`); the client already has part of it. */
  badBody: 3,
  /** A 101 to an upgrade request (`head`, and `rest`: bytes after it for the client). */
  tunnel: 4,
} as const;
export type RelayStep = (typeof RelayStep)[keyof typeof RelayStep];

/**
 * Body bytes that arrive with the final head are copied behind it for one write up to this
 * size; a larger first chunk goes as a second buffer (one writev) rather than be copied.
 */
const COALESCE_LIMIT = 8 * 1024;

/**
 * Reads one backend response and relays it to the client as it arrives: interim 1xx heads (to
 * HTTP/1.1 clients only), the final head rewritten for the client hop, then the body bytes
 * exactly as framed. Nothing past the frame is relayed.
 */
export class ResponseRelay {
  head: ResponseHead | undefined;
  /** The client connection must close after this response. */
  clientClose = false;
  extraBytes = false;
  failure = '';
  rest: Buffer | undefined;
  private body: BodyFramer | undefined;

  constructor(
    private readonly request: RequestHead,
    private readonly client: Socket,
  ) {}

  /** The final head has been relayed: a failure now can only cut the client off. */
  get started(): boolean {
    return this.head !== undefined;
  }

  /**
   * Relays `chunk`. `requestDone`: the client's body has been read whole; if not, the client
   * must close after the response, or the rest of its body would be read as a request.
   */
  push(
    chunk: Buffer,
    upstream: UpstreamConnection,
    requestDone: boolean,
    closing: boolean,
  ): RelayStep {
    if (this.body !== undefined) return this.relayBody(chunk, 0, upstream);
    const parser = upstream.parser;
    const end = this.readHead(chunk, parser, upstream);
    if (end === NEED_MORE) return RelayStep.more;
    if (end === FAILED) return this.failure === '' ? RelayStep.tunnel : RelayStep.badHead;
    return this.startResponse(parser.head!, chunk, end, upstream, requestDone, closing);
  }

  /**
   * The backend closed cleanly: the normal end of a close-delimited body. Returns true when
   * that completed the response.
   */
  endsWithClose(): boolean {
    const body = this.body;
    return body !== undefined && body.finish() === undefined && body.done;
  }

  /** Offset just past the final head, NEED_MORE, or FAILED (`failure` set, or a tunnel). */
  private readHead(
    chunk: Buffer,
    parser: ResponseHeadParser,
    upstream: UpstreamConnection,
  ): number {
    for (let offset = 0; ;) {
      const end = parser.push(chunk, offset);
      if (end === NEED_MORE) return NEED_MORE;
      if (end === FAILED) {
        this.failure = parser.error!.reason;
        return FAILED;
      }
      const head = parser.head!;
      if (head.informational) {
        // 100 Continue and 103 Early Hints go on to HTTP/1.1 clients; 1.0 does not know them.
        if (this.request.version === '1.1')
          upstream.sendTo(this.client, buildClientResponseHead(head));
        parser.reset(this.request.method);
        offset = end;
        continue;
      }
      if (head.status !== 101) return end;
      if (this.request.upgrade === undefined) this.failure = '101 to a request without Upgrade';
      else {
        this.head = head;
        this.rest = Buffer.from(chunk.subarray(end)); // a copy: it outlives this read
      }
      return FAILED;
    }
  }

  /**
   * The final head and the body bytes that came with it go out in one write: the head rebuilt
   * for the client hop, or the received bytes themselves when the head needs no change. A body
   * that breaks its framing within this chunk is caught before anything is sent (a 502).
   */
  private startResponse(
    head: ResponseHead,
    chunk: Buffer,
    offset: number,
    upstream: UpstreamConnection,
    requestDone: boolean,
    closing: boolean,
  ): RelayStep {
    // RFC 9112 section 6.1: no Transfer-Encoding in a response to HTTP/1.0, which could not
    // read it; a backend that sends one anyway gets a 502, not a garbled body.
    if (head.framing === 'chunked' && this.request.version === '1.0') {
      this.failure = 'chunked response to an HTTP/1.0 request';
      return RelayStep.badHead;
    }
    const body = responseBodyFramer(head);
    const end = body.push(chunk, offset);
    if (end === FAILED) {
      this.failure = `response body: ${body.error!.reason}`;
      return RelayStep.badHead;
    }
    this.head = head;
    this.body = body;
    this.clientClose =
      !requestDone || !this.request.keepAlive || head.framing === 'close' || closing;
    let connection: 'close' | 'keep-alive' | undefined;
    if (this.clientClose) connection = 'close';
    else if (this.request.version === '1.0') connection = 'keep-alive';

    const client = this.client;
    const bytes = chunk.subarray(offset, end);
    if (bytes.length <= COALESCE_LIMIT) {
      upstream.sendTo(client, buildClientResponseHead(head, { connection }, bytes));
    } else {
      upstream.sendPairTo(client, buildClientResponseHead(head, { connection }), bytes);
    }
    return this.settle(body, end, chunk.length);
  }

  private relayBody(chunk: Buffer, offset: number, upstream: UpstreamConnection): RelayStep {
    const body = this.body!;
    const end = body.push(chunk, offset);
    if (end === FAILED) {
      this.failure = `response body: ${body.error!.reason}`;
      return RelayStep.badBody;
    }
    if (end > offset) {
      const slice = offset === 0 && end === chunk.length ? chunk : chunk.subarray(offset, end);
      upstream.sendTo(this.client, slice);
    }
    return this.settle(body, end, chunk.length);
  }

  private settle(body: BodyFramer, end: number, chunkEnd: number): RelayStep {
    if (!body.done) return RelayStep.more;
    this.extraBytes = end < chunkEnd;
    return RelayStep.done;
  }
}
