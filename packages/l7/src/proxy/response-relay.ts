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
    parser: ResponseHeadParser,
    upstream: Socket,
    requestDone: boolean,
    closing: boolean,
  ): RelayStep {
    if (this.body !== undefined) return this.relayBody(chunk, 0, upstream);
    const client = this.client;
    client.cork();
    let step: RelayStep = RelayStep.more;
    const end = this.readHead(chunk, parser);
    if (end >= 0) {
      this.startResponse(parser.head!, requestDone, closing);
      step = this.relayBody(chunk, end, upstream);
    } else if (end === FAILED) {
      step = this.failure === '' ? RelayStep.tunnel : RelayStep.badHead;
    }
    client.uncork();
    return step;
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
  private readHead(chunk: Buffer, parser: ResponseHeadParser): number {
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
        if (this.request.version === '1.1') this.client.write(buildClientResponseHead(head));
        parser.reset(this.request.method);
        offset = end;
        continue;
      }
      if (head.status !== 101) return end;
      if (this.request.upgrade === undefined) this.failure = '101 to a request without Upgrade';
      else {
        this.head = head;
        this.rest = chunk.subarray(end);
      }
      return FAILED;
    }
  }

  private startResponse(head: ResponseHead, requestDone: boolean, closing: boolean): void {
    this.head = head;
    this.body = responseBodyFramer(head);
    this.clientClose =
      !requestDone || !this.request.keepAlive || head.framing === 'close' || closing;
    let connection: 'close' | 'keep-alive' | undefined;
    if (this.clientClose) connection = 'close';
    else if (this.request.version === '1.0') connection = 'keep-alive';
    this.client.write(buildClientResponseHead(head, { connection }));
  }

  private relayBody(chunk: Buffer, offset: number, upstream: Socket): RelayStep {
    const body = this.body!;
    const end = body.push(chunk, offset);
    if (end === FAILED) {
      this.failure = `response body: ${body.error!.reason}`;
      return RelayStep.badBody;
    }
    if (end > offset) {
      const slice = offset === 0 && end === chunk.length ? chunk : chunk.subarray(offset, end);
      if (!this.client.write(slice)) upstream.pause();
    }
    if (!body.done) return RelayStep.more;
    this.extraBytes = end < chunk.length;
    return RelayStep.done;
  }
}
