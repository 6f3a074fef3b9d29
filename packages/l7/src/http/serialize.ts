import { FIELD_VALUE, TCHAR } from './char-class';
import type { CodecError } from './codec-error';
import { FieldId } from './field-lines';
import type { RequestHead } from './request-head';
import type { ResponseHead } from './response-head';

/**
 * Builders for the heads the proxy writes. A forwarded head is the received head with some field
 * lines left out and a few appended: kept lines are copied as byte ranges (adjacent ranges merge
 * into one copy), so a typical request costs one allocation and three or four memcpy calls.
 */

export interface ForwardRequestOptions {
  /** Address of the downstream peer (the socket's remoteAddress), for X-Forwarded-For. */
  clientAddress: string;
  /** Scheme the client used to reach the balancer. */
  proto: 'http' | 'https';
  /**
   * The downstream peer is one of the configured trusted proxies: its X-Forwarded-For and
   * Forwarded lists are extended and its X-Forwarded-Proto/-Host kept. Default false: all of
   * them are replaced, so a client cannot forge its address or scheme.
   */
  trustForwarded?: boolean;
  /** Also append an RFC 7239 `Forwarded` element (for, host, proto). Default false. */
  forwarded?: boolean;
  /**
   * Keep `Upgrade` and send `Connection: upgrade`, for a request the proxy will tunnel after a
   * 101 (WebSocket). Ignored when the request asks for no upgrade. Default false.
   */
  tunnel?: boolean;
  /**
   * Connection option toward the backend. Default: `keep-alive` for an HTTP/1.0 request line
   * (so the pooled connection survives), none for HTTP/1.1 (persistent by default).
   */
  connection?: 'keep-alive' | 'close';
  /** Fields appended last, as given (validated: a CR or LF here would split the head). */
  extraFields?: ReadonlyArray<readonly [string, string]>;
}

export interface ClientResponseOptions {
  /**
   * Connection option toward the client: `close` when the proxy closes after this response,
   * `keep-alive` to confirm persistence to an HTTP/1.0 client. Default: none, except that a
   * close-delimited response always gets `close`.
   */
  connection?: 'keep-alive' | 'close';
  /** The proxy accepts this 101 and tunnels: keep `Upgrade`, send `Connection: upgrade`. */
  tunnel?: boolean;
  /** Fields appended last (sticky-session cookie, ...), validated like request extras. */
  extraFields?: ReadonlyArray<readonly [string, string]>;
}

/** The head to send to the backend for `head`. The body bytes follow unchanged. */
export function buildForwardRequestHead(head: RequestHead, options: ForwardRequestOptions): Buffer {
  const tunnel = options.tunnel === true && head.upgrade !== undefined;
  const writer = new HeadWriter(head.buffer);
  writer.copy(0, head.requestLineEnd);
  const seen = copyRequestFields(head, writer, tunnel, options.trustForwarded === true);

  // Framing and connection management for the next hop.
  if (head.chunked) writer.field('transfer-encoding', 'chunked');
  const connection = tunnel ? 'upgrade' : (options.connection ?? defaultConnection(head));
  if (connection !== undefined) writer.field('connection', connection);

  appendForwarding(writer, head, options, seen);
  writer.extraFields(options.extraFields);
  return writer.finish();
}

/** Forwarding fields met while copying a request: lists to extend, proto/host kept as sent. */
interface ForwardingSeen {
  forwardedFor: string[];
  forwarded: string[];
  keptProto: boolean;
  keptHost: boolean;
}

/** Copies the fields that go to the backend; forwarding fields are collected, not copied. */
function copyRequestFields(
  head: RequestHead,
  writer: HeadWriter,
  tunnel: boolean,
  trust: boolean,
): ForwardingSeen {
  const seen: ForwardingSeen = {
    forwardedFor: [],
    forwarded: [],
    keptProto: false,
    keptHost: false,
  };
  for (let i = 0; i < head.fieldCount; i++) {
    const id = head.fieldId(i);
    if (isHopByHop(id, tunnel) || isNominated(head, i, id)) continue;
    if (id === FieldId.xForwardedFor || id === FieldId.forwarded) {
      if (trust)
        (id === FieldId.forwarded ? seen.forwarded : seen.forwardedFor).push(head.fieldValue(i));
      continue;
    }
    if (id === FieldId.xForwardedProto || id === FieldId.xForwardedHost) {
      if (!trust) continue;
      if (id === FieldId.xForwardedProto) seen.keptProto = true;
      else seen.keptHost = true;
    }
    writer.copy(head.lineStart(i), head.lineEnd(i));
  }
  return seen;
}

/** X-Forwarded-For (always), -Proto and -Host unless a trusted peer sent them, Forwarded. */
function appendForwarding(
  writer: HeadWriter,
  head: RequestHead,
  options: ForwardRequestOptions,
  seen: ForwardingSeen,
): void {
  const client = checkedValue(options.clientAddress);
  const chain = seen.forwardedFor;
  writer.field('x-forwarded-for', chain.length === 0 ? client : chain.join(', ') + ', ' + client);
  if (!seen.keptProto) writer.field('x-forwarded-proto', options.proto);
  if (!seen.keptHost && head.host !== undefined) writer.field('x-forwarded-host', head.host);
  if (options.forwarded === true)
    seen.forwarded.push(forwardedElement(client, head.host, options.proto));
  if (seen.forwarded.length > 0) writer.field('forwarded', seen.forwarded.join(', '));
}

/**
 * The head to send to the client for a backend's `head`. The body bytes follow unchanged; pass
 * the first of them as `body` to get head and body in one buffer, for one write. When the head
 * needs no change and `body` follows it in the same received chunk, that is a view of the chunk.
 */
export function buildClientResponseHead(
  head: ResponseHead,
  options: ClientResponseOptions = {},
  body?: Buffer,
): Buffer {
  const tunnel = options.tunnel === true && head.status === 101;
  const writer = new HeadWriter(head.buffer);
  // The proxy speaks HTTP/1.1 to its client whatever the backend spoke (RFC 9110 section 2.5):
  // an HTTP/1.0 status line gets the proxy's version; the rest of it is kept.
  if (head.version === '1.0') {
    writer.lead('HTTP/1.1');
    writer.copy(8, head.fieldsStart);
  } else {
    writer.copy(0, head.fieldsStart);
  }
  for (let i = 0; i < head.fieldCount; i++) {
    const id = head.fieldId(i);
    if (!isHopByHop(id, tunnel) && !isNominated(head, i, id)) {
      writer.copy(head.lineStart(i), head.lineEnd(i));
    }
  }

  // Chunked bytes pass through as they came, so the coding list goes with them; 1xx and 204
  // must not carry Transfer-Encoding at all (RFC 9112 section 6.1).
  const bodyAllowed = head.status >= 200 && head.status !== 204;
  if (head.transferEncoding !== undefined && bodyAllowed) {
    writer.field('transfer-encoding', head.transferEncoding);
  }
  const connection = tunnel ? 'upgrade' : head.framing === 'close' ? 'close' : options.connection;
  if (connection !== undefined) writer.field('connection', connection);
  writer.extraFields(options.extraFields);
  return writer.finish(body);
}

/**
 * Hop-by-hop fields (RFC 9110 section 7.6.1) plus Proxy-Connection and Trailer. Transfer-Encoding
 * is dropped here and re-emitted in canonical form, so the next hop never sees an odd spelling.
 */
function isHopByHop(id: number, tunnel: boolean): boolean {
  switch (id) {
    case FieldId.connection:
    case FieldId.keepAlive:
    case FieldId.proxyConnection:
    case FieldId.te:
    case FieldId.trailer:
    case FieldId.transferEncoding:
      return true;
    case FieldId.upgrade:
      return !tunnel;
    default:
      return false;
  }
}

/**
 * A field named as a Connection option is hop-by-hop too. Only fields the codec does not track
 * can be removed this way: `Connection: content-length` or `Connection: host` must not strip a
 * field that framing or routing depends on.
 */
function isNominated(head: RequestHead | ResponseHead, i: number, id: number): boolean {
  if (id !== FieldId.other) return false;
  const tokens = head.connectionTokens;
  for (let k = 0; k < tokens.length; k++) if (head.isNamed(i, tokens[k])) return true;
  return false;
}

function defaultConnection(head: RequestHead): 'keep-alive' | undefined {
  return head.version === '1.0' ? 'keep-alive' : undefined;
}

/** forwarded-element (RFC 7239 section 4): IPv6 nodes in brackets, non-tokens quoted. */
function forwardedElement(client: string, host: string | undefined, proto: string): string {
  const node = client.includes(':') ? `"[${client}]"` : quoteIfNeeded(client);
  const hostPart = host === undefined || host === '' ? '' : `;host=${quoteIfNeeded(host)}`;
  return `for=${node}${hostPart};proto=${proto}`;
}

function quoteIfNeeded(value: string): string {
  for (let k = 0; k < value.length; k++) {
    if (TCHAR[value.charCodeAt(k)] !== 1) return '"' + value.replace(/["\\]/g, '\\$&') + '"';
  }
  return value;
}

/** Throws on a value that is not a valid field value: a programming error, never input. */
function checkedValue(value: string): string {
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c > 0xff || FIELD_VALUE[c] !== 1)
      throw new TypeError(`invalid field value ${JSON.stringify(value)}`);
  }
  return value;
}

function checkedName(name: string): string {
  for (let k = 0; k < name.length; k++) {
    if (TCHAR[name.charCodeAt(k)] !== 1)
      throw new TypeError(`invalid field name ${JSON.stringify(name)}`);
  }
  if (name.length === 0) throw new TypeError('empty field name');
  return name;
}

/**
 * Collects byte ranges of a source head, then appended text, and writes them into one buffer of
 * the exact size. All text comes after all ranges (kept fields first, added fields last), so the
 * text is one string written with one call: each Buffer#write costs more than its bytes here.
 * Text is latin1, matching how field values were decoded.
 */
class HeadWriter {
  private readonly ranges: number[] = [];
  private head = '';
  private tail = '';
  private size = 0;

  constructor(private readonly source: Buffer) {}

  /** Text before every copied range (a replaced start of the start line). */
  lead(text: string): void {
    if (this.ranges.length > 0) throw new Error('HeadWriter: lead after copied bytes');
    this.head = text;
  }

  /** Appends source bytes [start, end); merges with the previous range when adjacent. */
  copy(start: number, end: number): void {
    if (this.tail !== '') throw new Error('HeadWriter: copy after appended text');
    const n = this.ranges.length;
    if (n >= 2 && this.ranges[n - 1] === start) this.ranges[n - 1] = end;
    else this.ranges.push(start, end);
    this.size += end - start;
  }

  field(name: string, value: string): void {
    this.tail += name + ': ' + value + '\r\n';
  }

  extraFields(fields: ReadonlyArray<readonly [string, string]> | undefined): void {
    if (fields === undefined) return;
    for (const [name, value] of fields) this.field(checkedName(name), checkedValue(value));
  }

  /** The head, then `body` if given. */
  finish(body?: Buffer): Buffer {
    const source = this.source;
    const bodyBytes = body === undefined ? 0 : body.length;
    if (this.unchanged()) {
      if (bodyBytes === 0) return source;
      if (body!.buffer === source.buffer && body!.byteOffset === source.byteOffset + source.length)
        return Buffer.from(source.buffer, source.byteOffset, source.length + bodyBytes);
    }
    this.tail += '\r\n';
    const out = Buffer.allocUnsafe(this.head.length + this.size + this.tail.length + bodyBytes);
    let at = this.head === '' ? 0 : out.write(this.head, 0, 'latin1');
    for (let k = 0; k < this.ranges.length; k += 2) {
      at += source.copy(out, at, this.ranges[k], this.ranges[k + 1]);
    }
    at += out.write(this.tail, at, 'latin1');
    if (bodyBytes > 0) body!.copy(out, at);
    return out;
  }

  /** Every source byte kept, in order, and nothing added: the source head is the result. */
  private unchanged(): boolean {
    const ranges = this.ranges;
    return (
      this.head === '' &&
      this.tail === '' &&
      ranges.length === 2 &&
      ranges[0] === 0 &&
      ranges[1] === this.source.length - 2
    );
  }
}

export interface ErrorResponseOptions {
  /** HTTP status code, e.g. 503. */
  status: number;
  /** Stable error code, sent as `x-lb-error` (e.g. LB_ERR_QUEUE_TIMEOUT). */
  code: string;
  /** One short line for the body; default none. Fixed text only: never echo client input. */
  message?: string;
  /** Send `connection: close` (the caller closes after writing). Default false. */
  close?: boolean;
  /** `retry-after` in whole seconds; default none. */
  retryAfterSec?: number;
  /** Answering a HEAD request: send the head only, body length still announced. Default false. */
  headOnly?: boolean;
}

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  417: 'Expectation Failed',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** A complete error response the balancer itself sends: head and short text body. */
export function renderErrorResponse(options: ErrorResponseOptions): Buffer {
  const phrase = REASON_PHRASES[options.status] ?? 'Error';
  const message = options.message === undefined ? '' : ': ' + checkedValue(options.message);
  const body = `${options.status} ${phrase}${message}\n`;
  let head =
    `HTTP/1.1 ${options.status} ${phrase}\r\n` +
    'content-type: text/plain; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `x-lb-error: ${checkedName(options.code)}\r\n`;
  if (options.retryAfterSec !== undefined)
    head += `retry-after: ${Math.max(0, Math.ceil(options.retryAfterSec))}\r\n`;
  if (options.close === true) head += 'connection: close\r\n';
  return Buffer.from(options.headOnly === true ? head + '\r\n' : head + '\r\n' + body, 'latin1');
}

/**
 * The response for a codec failure. The connection must close afterwards: once framing is in
 * doubt no later byte on it can be trusted (RFC 9112 sections 6.3 and 11.2).
 */
export function renderCodecError(error: CodecError, options: { headOnly?: boolean } = {}): Buffer {
  return renderErrorResponse({
    status: error.status,
    code: error.code,
    message: error.reason,
    close: true,
    headOnly: options.headOnly,
  });
}
