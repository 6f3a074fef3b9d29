import {
  BACKSLASH,
  COLON,
  CR,
  DQUOTE,
  EQUALS,
  FIELD_VALUE,
  HEX_VALUE,
  LF,
  QDTEXT,
  SEMICOLON,
  TCHAR,
  isWhitespace,
} from './char-class';
import {
  FAILED,
  codecError,
  type CodecError,
  type CodecSide,
  type FailureKind,
} from './codec-error';
import type { RequestHead } from './request-head';
import type { ResponseHead } from './response-head';

/**
 * Incremental body framers. Each takes the chunks that follow a head and says which bytes belong
 * to the current message, so the proxy can forward them untouched and hand the rest to the next
 * head parser. None of them copies or decodes payload bytes.
 */
export interface BodyFramer {
  /**
   * Takes `chunk[offset..]` and returns the index in `chunk` just past this message's bytes:
   * `chunk.length` while the body goes on, less once `done` (the rest is the next message), or
   * FAILED with `error` set. Once done, returns `offset`.
   */
  push(chunk: Buffer, offset?: number): number;
  /** The whole body, framing included, has been seen. Never true for a truncated body. */
  readonly done: boolean;
  readonly error: CodecError | undefined;
  /** Payload bytes seen so far (chunk data only, for chunked). */
  readonly payloadBytes: number;
  /**
   * The peer closed its side. Returns the error when the body was cut short; for a
   * close-delimited body this is its normal end and makes it `done`.
   */
  finish(): CodecError | undefined;
}

/** A body of exactly `length` bytes (Content-Length, or 0 for a message without body). */
export class LengthBody implements BodyFramer {
  done: boolean;
  error: CodecError | undefined;
  payloadBytes = 0;
  private remaining: number;

  constructor(
    length: number,
    private readonly side: CodecSide,
  ) {
    this.remaining = length;
    this.done = length === 0;
  }

  push(chunk: Buffer, offset = 0): number {
    const take = Math.min(this.remaining, chunk.length - offset);
    this.remaining -= take;
    this.payloadBytes += take;
    if (this.remaining === 0) this.done = true;
    return offset + take;
  }

  finish(): CodecError | undefined {
    if (!this.done) this.error ??= codecError(this.side, 'truncatedBody');
    return this.error;
  }
}

/** A response body that ends when the backend closes (no Content-Length, no chunked). */
export class UntilCloseBody implements BodyFramer {
  done = false;
  readonly error = undefined;
  payloadBytes = 0;

  push(chunk: Buffer, offset = 0): number {
    if (this.done) return offset;
    this.payloadBytes += chunk.length - offset;
    return chunk.length;
  }

  finish(): undefined {
    this.done = true;
    return undefined;
  }
}

export interface ChunkedBodyOptions {
  /**
   * Longest chunk-size line, extensions included and CRLF excluded, in bytes. Extensions are
   * rarely used; the cap stops a peer from streaming an endless line. Default 4096.
   */
  maxChunkLineBytes?: number;
  /** Largest trailer section, final CRLF included, in bytes. Default 16384 (16 KiB). */
  maxTrailerBytes?: number;
}

// Chunked decoder states. The size line, chunk data and trailer section of RFC 9112 section 7.1.
const SIZE_START = 0;
const SIZE = 1;
const EXT_BEFORE_SEMI = 2;
const EXT_NAME_START = 3;
const EXT_NAME = 4;
const EXT_AFTER_NAME = 5;
const EXT_VALUE_START = 6;
const EXT_TOKEN = 7;
const EXT_QUOTED = 8;
const EXT_ESCAPE = 9;
const EXT_AFTER_QUOTED = 10;
const SIZE_LF = 11;
const DATA = 12;
const DATA_CR = 13;
const DATA_LF = 14;
const TRAILER_START = 15;
const TRAILER_NAME = 16;
const TRAILER_VALUE = 17;
const TRAILER_LF = 18;
const END_LF = 19;
const DONE = 20;
const ERROR = 21;

/**
 * Validates a chunked body byte by byte while it passes through unchanged, and finds its exact
 * end (after the trailer section's final CRLF). Chunk data is skipped in bulk, so per-byte work
 * is only for size lines and trailers. Sizes above 2^53 - 1 are rejected rather than rounded,
 * since a rounded size would put the end of the message somewhere the backend does not.
 */
export class ChunkedBody implements BodyFramer {
  done = false;
  error: CodecError | undefined;
  payloadBytes = 0;

  private state = SIZE_START;
  private size = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  /** Lower-cased name of the trailer field being read (trailers are rare; a string will do). */
  private trailerName = '';
  private readonly maxLine: number;
  private readonly maxTrailer: number;

  constructor(
    private readonly side: CodecSide,
    options: ChunkedBodyOptions = {},
  ) {
    this.maxLine = options.maxChunkLineBytes ?? 4096;
    this.maxTrailer = options.maxTrailerBytes ?? 16384;
  }

  push(chunk: Buffer, offset = 0): number {
    if (this.done) return offset;
    if (this.error !== undefined) return FAILED;
    const end = chunk.length;
    let i = offset;
    while (i < end) {
      if (this.state === DATA) {
        i = this.skipData(i, end);
        continue;
      }
      const state = this.step(chunk[i++]);
      if (state === ERROR) return FAILED;
      if (state === DONE) {
        this.done = true;
        return i;
      }
    }
    return end;
  }

  finish(): CodecError | undefined {
    if (!this.done) this.error ??= codecError(this.side, 'truncatedBody');
    return this.error;
  }

  private skipData(i: number, end: number): number {
    const take = Math.min(this.size, end - i);
    this.size -= take;
    this.payloadBytes += take;
    if (this.size === 0) this.state = DATA_CR;
    return i + take;
  }

  /** One byte outside chunk data; returns the new state. */
  private step(b: number): number {
    const state = this.state;
    if (state < SIZE_LF && b !== CR && ++this.lineBytes > this.maxLine) {
      return this.fail('chunkLineTooLong');
    }
    if (state >= TRAILER_START && ++this.trailerBytes > this.maxTrailer) {
      return this.fail('trailersTooLarge');
    }
    if (state <= SIZE_LF) return (this.state = this.stepSizeLine(state, b));
    if (state <= DATA_LF) return (this.state = this.stepDataEnd(state, b));
    return (this.state = this.stepTrailer(state, b));
  }

  /** chunk-size [ chunk-ext ] CRLF; chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ). */
  private stepSizeLine(state: number, b: number): number {
    if (b === LF && state !== SIZE_LF) return this.fail('bareLf');
    switch (state) {
      case SIZE_START:
      case SIZE:
        return this.stepSize(state, b);
      case EXT_BEFORE_SEMI:
        if (isWhitespace(b)) return state;
        return b === SEMICOLON ? EXT_NAME_START : this.fail('badChunkExtension');
      case EXT_NAME_START:
        if (isWhitespace(b)) return state;
        return TCHAR[b] === 1 ? EXT_NAME : this.fail('badChunkExtension');
      case EXT_NAME:
        if (TCHAR[b] === 1) return state;
        if (isWhitespace(b)) return EXT_AFTER_NAME;
        return b === EQUALS ? EXT_VALUE_START : this.afterExtension(b);
      case EXT_AFTER_NAME:
        if (isWhitespace(b)) return state;
        if (b === EQUALS) return EXT_VALUE_START;
        return b === SEMICOLON ? EXT_NAME_START : this.fail('badChunkExtension');
      case EXT_VALUE_START:
        if (isWhitespace(b)) return state;
        if (b === DQUOTE) return EXT_QUOTED;
        return TCHAR[b] === 1 ? EXT_TOKEN : this.fail('badChunkExtension');
      case EXT_TOKEN:
        return TCHAR[b] === 1 ? state : this.afterExtension(b);
      case EXT_QUOTED:
        if (b === DQUOTE) return EXT_AFTER_QUOTED;
        if (b === BACKSLASH) return EXT_ESCAPE;
        return QDTEXT[b] === 1 ? state : this.fail('badChunkExtension');
      case EXT_ESCAPE:
        return FIELD_VALUE[b] === 1 ? EXT_QUOTED : this.fail('badChunkExtension');
      case EXT_AFTER_QUOTED:
        return this.afterExtension(b);
      default:
        return this.endSizeLine(b);
    }
  }

  /** Hex digits; the first one is required. */
  private stepSize(state: number, b: number): number {
    const digit = HEX_VALUE[b];
    if (digit >= 0) {
      this.size = this.size * 16 + digit;
      return this.size > Number.MAX_SAFE_INTEGER ? this.fail('chunkSizeOverflow') : SIZE;
    }
    if (state === SIZE_START) return this.fail('badChunkSize');
    if (b === CR) return SIZE_LF;
    if (b === SEMICOLON) return EXT_NAME_START;
    return isWhitespace(b) ? EXT_BEFORE_SEMI : this.fail('badChunkSize');
  }

  /** After a complete extension (name, token or quoted value): BWS, another one, or CR. */
  private afterExtension(b: number): number {
    if (b === CR) return SIZE_LF;
    if (b === SEMICOLON) return EXT_NAME_START;
    return isWhitespace(b) ? EXT_BEFORE_SEMI : this.fail('badChunkExtension');
  }

  /** The LF of the size line: chunk data follows, or the trailer section after the last chunk. */
  private endSizeLine(b: number): number {
    if (b !== LF) return this.fail('bareCr');
    this.lineBytes = 0;
    return this.size === 0 ? TRAILER_START : DATA;
  }

  /** The CRLF that must follow chunk data. */
  private stepDataEnd(state: number, b: number): number {
    if (state === DATA_CR) return b === CR ? DATA_LF : this.fail('missingChunkCrlf');
    return b === LF ? SIZE_START : this.fail('missingChunkCrlf');
  }

  /** trailer-section = *( field-line CRLF ) CRLF, validated like head fields. */
  private stepTrailer(state: number, b: number): number {
    if (b === LF && state !== TRAILER_LF && state !== END_LF) return this.fail('bareLf');
    switch (state) {
      case TRAILER_START:
        if (b === CR) return END_LF;
        if (isWhitespace(b)) return this.fail('obsFold');
        if (TCHAR[b] !== 1) return this.fail('badFieldName');
        this.trailerName = String.fromCharCode(lowerAscii(b));
        return TRAILER_NAME;
      case TRAILER_NAME:
        if (TCHAR[b] === 1) {
          this.trailerName += String.fromCharCode(lowerAscii(b));
          return state;
        }
        if (b === COLON) {
          return FORBIDDEN_TRAILERS.has(this.trailerName)
            ? this.fail('forbiddenTrailer')
            : TRAILER_VALUE;
        }
        if (isWhitespace(b)) return this.fail('whitespaceBeforeColon');
        return this.fail(b === CR ? 'missingColon' : 'badFieldName');
      case TRAILER_VALUE:
        if (b === CR) return TRAILER_LF;
        return FIELD_VALUE[b] === 1 ? state : this.fail('badFieldValue');
      case TRAILER_LF:
        return b === LF ? TRAILER_START : this.fail('bareCr');
      default:
        return b === LF ? DONE : this.fail('bareCr');
    }
  }

  private fail(kind: FailureKind): number {
    this.error = codecError(this.side, kind);
    return ERROR;
  }
}

/**
 * Fields a trailer must not carry (RFC 9110 section 6.5.1: framing, routing, request modifiers,
 * authentication, forwarding). The chunked body is passed on byte for byte, so a trailer the
 * proxy would strip or rewrite in the head (X-Forwarded-For, Host) is refused instead.
 */
const FORBIDDEN_TRAILERS = new Set([
  'authorization',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-range',
  'content-type',
  'cookie',
  'expect',
  'forwarded',
  'host',
  'keep-alive',
  'max-forwards',
  'proxy-authorization',
  'proxy-connection',
  'range',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

function lowerAscii(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/** The framer for the body that follows a request head. */
export function requestBodyFramer(head: RequestHead, options?: ChunkedBodyOptions): BodyFramer {
  if (head.chunked) return new ChunkedBody('client', options);
  return new LengthBody(head.contentLength ?? 0, 'client');
}

/** The framer for the body that follows a response head ('none' and 'tunnel': empty, done). */
export function responseBodyFramer(head: ResponseHead, options?: ChunkedBodyOptions): BodyFramer {
  switch (head.framing) {
    case 'chunked':
      return new ChunkedBody('backend', options);
    case 'length':
      return new LengthBody(head.contentLength ?? 0, 'backend');
    case 'close':
      return new UntilCloseBody();
    default:
      return new LengthBody(0, 'backend');
  }
}
