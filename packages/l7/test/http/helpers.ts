import {
  FAILED,
  NEED_MORE,
  RequestHeadParser,
  ResponseHeadParser,
  requestBodyFramer,
  responseBodyFramer,
  type BodyFramer,
  type CodecError,
  type RequestHead,
  type RequestHeadOptions,
  type ResponseHead,
} from '../../src/http';

/** Test input written with visible line ends: `\r\n` stays as typed. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Deterministic PRNG (mulberry32), so a failing random split can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `data` at the given sorted offsets. */
export function cutAt(data: Buffer, cuts: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(data.subarray(start, cut));
    start = cut;
  }
  pieces.push(data.subarray(start));
  return pieces;
}

export function oneByteChunks(data: Buffer): Buffer[] {
  return Array.from({ length: data.length }, (_, i) => data.subarray(i, i + 1));
}

export function randomChunks(data: Buffer, random: () => number, maxPiece = 16): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = 1 + Math.floor(random() * maxPiece);
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** Everything a head exposes, as plain data, so two parses can be compared with toEqual. */
export function describeRequest(head: RequestHead): Record<string, unknown> {
  return {
    ...describeFields(head),
    method: head.method,
    target: head.target,
    version: head.version,
    contentLength: head.contentLength,
    chunked: head.chunked,
    framing: head.framing,
    keepAlive: head.keepAlive,
    connectionTokens: head.connectionTokens,
    host: head.host,
    expectContinue: head.expectContinue,
    upgrade: head.upgrade,
  };
}

export function describeResponse(head: ResponseHead): Record<string, unknown> {
  return {
    ...describeFields(head),
    version: head.version,
    status: head.status,
    reason: head.reason,
    contentLength: head.contentLength,
    chunked: head.chunked,
    transferEncoding: head.transferEncoding,
    framing: head.framing,
    hasBody: head.hasBody,
    keepAlive: head.keepAlive,
    keepAliveTimeoutSec: head.keepAliveTimeoutSec,
    connectionTokens: head.connectionTokens,
    upgrade: head.upgrade,
  };
}

function describeFields(head: RequestHead | ResponseHead): Record<string, unknown> {
  return {
    raw: head.buffer.toString('latin1'),
    headBytes: head.headBytes,
    headers: head.headers,
    fields: [...head.fields],
  };
}

/** One message read off a simulated connection: its head, and its body bytes as forwarded. */
export interface ReadMessage {
  head: Record<string, unknown>;
  body: string;
}

export interface ReadResult {
  messages: ReadMessage[];
  error?: CodecError;
  /** Bytes of an unfinished message at the end (head or body), if any. */
  pending: boolean;
}

/**
 * Drives a head parser and body framers over `chunks` the way the proxy will: head, body,
 * next head, with offsets carried inside each chunk.
 */
export function readRequests(chunks: Buffer[], options?: RequestHeadOptions): ReadResult {
  const parser = new RequestHeadParser(options);
  return readMessages(chunks, {
    push: (chunk, offset) => parser.push(chunk, offset),
    error: () => parser.error,
    head: () => describeRequest(parser.head as RequestHead),
    framer: () => requestBodyFramer(parser.head as RequestHead),
    reset: () => parser.reset(),
  });
}

/** Like readRequests, for responses to the given request methods in order. */
export function readResponses(chunks: Buffer[], methods: string[]): ReadResult {
  const parser = new ResponseHeadParser();
  let index = 0;
  parser.reset(methods[0]);
  return readMessages(chunks, {
    push: (chunk, offset) => parser.push(chunk, offset),
    error: () => parser.error,
    head: () => describeResponse(parser.head as ResponseHead),
    framer: () => responseBodyFramer(parser.head as ResponseHead),
    reset: () => parser.reset(methods[++index] ?? 'GET'),
  });
}

interface Side {
  push(chunk: Buffer, offset: number): number;
  error(): CodecError | undefined;
  head(): Record<string, unknown>;
  framer(): BodyFramer;
  reset(): void;
}

function readMessages(chunks: Buffer[], side: Side): ReadResult {
  const messages: ReadMessage[] = [];
  let framer: BodyFramer | undefined;
  let head: Record<string, unknown> = {};
  let body: Buffer[] = [];
  let pending = false;
  for (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      pending = true;
      if (framer === undefined) {
        const end = side.push(chunk, offset);
        if (end === NEED_MORE) break;
        if (end === FAILED) return { messages, error: side.error(), pending };
        head = side.head();
        framer = side.framer();
        body = [];
        offset = end;
      } else {
        const end = framer.push(chunk, offset);
        if (end === FAILED) return { messages, error: framer.error, pending };
        body.push(chunk.subarray(offset, end));
        offset = end;
      }
      if (framer.done) {
        messages.push({ head, body: Buffer.concat(body).toString('latin1') });
        framer = undefined;
        pending = false;
        side.reset();
      }
    }
  }
  return { messages, pending };
}
