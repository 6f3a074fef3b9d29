import { HTAB, SP, TARGET, TCHAR } from './char-class';
import { FAILED, NEED_MORE, codecError, type CodecError, type FailureKind } from './codec-error';
import { FieldFacts, checkCodings, fieldValueAt, latin1, scanFields } from './field-lines';
import { HeadScanner } from './head-scanner';
import { MessageHead, parseVersion, type HttpVersion } from './message-head';

export interface RequestHeadOptions {
  /**
   * Largest head accepted: request line, field lines and the final CRLF, in bytes. A bigger head
   * gets 431. Default 16384 (16 KiB).
   */
  maxHeadBytes?: number;
  /** Longest request line, CRLF excluded, in bytes. A longer one gets 414. Default 8192. */
  maxRequestLineBytes?: number;
  /** Most field lines in one head. More get 431. Default 100. */
  maxFields?: number;
  /**
   * Empty lines (CRLF) skipped before a request line, as RFC 9112 section 2.2 allows after a
   * body some clients over-terminate. More get 400. Default 4.
   */
  maxLeadingEmptyLines?: number;
}

/** How the request body is delimited; requests are never read until close. */
export type RequestFraming = 'none' | 'length' | 'chunked';

const EMPTY_TOKENS: readonly string[] = Object.freeze([]);

/** A parsed, validated request head. Everything here is checked against RFC 9112. */
export class RequestHead extends MessageHead {
  constructor(
    buffer: Buffer,
    fields: readonly number[],
    /** Method as sent (case-sensitive); common methods are interned strings. */
    readonly method: string,
    /** request-target exactly as sent: origin, absolute, authority or asterisk form. */
    readonly target: string,
    readonly version: HttpVersion,
    /** Content-Length, or undefined when absent (never with `chunked`). */
    readonly contentLength: number | undefined,
    /** Transfer-Encoding is `chunked` (the only coding a request may use here). */
    readonly chunked: boolean,
    /** Whether the client wants the connection kept open after this exchange. */
    readonly keepAlive: boolean,
    /** Connection options, lowercased, in order. */
    readonly connectionTokens: readonly string[],
    /**
     * Host value (may be empty, RFC 9110 section 7.2); undefined only in HTTP/1.0. With an
     * absolute-form target the target's authority wins over Host (RFC 9112 section 3.2.2);
     * the router has to prefer it.
     */
    readonly host: string | undefined,
    /** `Expect: 100-continue` in an HTTP/1.1 request. */
    readonly expectContinue: boolean,
    /** The Upgrade value when Connection names `upgrade` (HTTP/1.1 only), else undefined. */
    readonly upgrade: string | undefined,
  ) {
    super(buffer, fields);
  }

  get framing(): RequestFraming {
    if (this.chunked) return 'chunked';
    return this.contentLength === undefined ? 'none' : 'length';
  }

  /** Offset just past the request line's CRLF in `buffer`. */
  get requestLineEnd(): number {
    return this.fieldsStart;
  }
}

/**
 * Incremental request head parser: push chunks until it returns an offset, read `head`, then
 * `reset()` before the next request on the connection. One parser per connection; it keeps
 * its scratch arrays across requests.
 */
export class RequestHeadParser {
  head: RequestHead | undefined;
  error: CodecError | undefined;

  private readonly scanner: HeadScanner;
  private readonly facts = new FieldFacts();

  constructor(options: RequestHeadOptions = {}) {
    this.scanner = new HeadScanner({
      maxHeadBytes: options.maxHeadBytes ?? 16384,
      maxFirstLineBytes: options.maxRequestLineBytes ?? 8192,
      maxFields: options.maxFields ?? 100,
      maxLeadingEmptyLines: options.maxLeadingEmptyLines ?? 4,
    });
  }

  /**
   * Feeds `chunk[offset..]`. Returns the index in `chunk` just past the head (bytes from there
   * belong to the body or the next request), NEED_MORE when every byte was taken and the head is
   * not complete, or FAILED with `error` set (answer `error.status` and close).
   */
  push(chunk: Buffer, offset = 0): number {
    if (this.head !== undefined || this.error !== undefined) {
      throw new Error('RequestHeadParser: call reset() before parsing the next head');
    }
    const end = this.scanner.scan(chunk, offset);
    if (end === NEED_MORE) return NEED_MORE;
    if (end === FAILED) return this.fail(this.scanner.failure ?? 'badRequestLine');
    const failure = this.parseHead();
    return failure === undefined ? end : this.fail(failure);
  }

  reset(): void {
    this.head = undefined;
    this.error = undefined;
    this.scanner.reset();
  }

  private parseHead(): FailureKind | undefined {
    const { head: buf, lines, lineCount } = this.scanner;
    const line = parseRequestLine(buf, lines[0], lines[1]);
    if (typeof line === 'string') return line;

    const facts = this.facts;
    facts.reset();
    const fields = scanFields(buf, lines, lineCount, facts);
    if (typeof fields === 'string') return fields;

    const failure = checkRequestFacts(line.version, facts);
    if (failure !== undefined) return failure;
    this.head = buildHead(buf, fields, line, facts);
    return undefined;
  }

  private fail(kind: FailureKind): number {
    this.error = codecError('client', kind);
    return FAILED;
  }
}

interface RequestLine {
  method: string;
  target: string;
  version: HttpVersion;
}

/**
 * request-line = method SP request-target SP HTTP-version, with exactly one SP between parts
 * (RFC 9112 section 3). Lenient parsers that accept other whitespace here are how requests get
 * split differently by two hops, so nothing else is accepted.
 */
function parseRequestLine(buf: Buffer, s: number, e: number): RequestLine | FailureKind {
  // Method: one or more tchars, then SP.
  let i = s;
  while (i < e && TCHAR[buf[i]] === 1) i++;
  if (i === s || i === e) return i === s ? 'badMethod' : 'badRequestLine';
  if (buf[i] !== SP) return buf[i] === HTAB ? 'badRequestLine' : 'badMethod';
  const methodEnd = i++;

  // Target: visible ASCII only, then SP.
  const targetStart = i;
  while (i < e && TARGET[buf[i]] === 1) i++;
  if (i === targetStart || i === e) {
    return i === e || buf[i] === SP ? 'badRequestLine' : 'badTarget';
  }
  if (buf[i] !== SP) return 'badTarget';
  const targetEnd = i++;

  // Version: exactly HTTP/1.0 or HTTP/1.1 to the end of the line.
  const version = parseVersion(buf, i, e);
  if (version !== '1.0' && version !== '1.1') {
    return hasSpace(buf, i, e) ? 'badRequestLine' : version;
  }
  const method = internMethod(buf, s, methodEnd);
  const target = latin1(buf, targetStart, targetEnd);
  return checkTargetForm(method, target) ? { method, target, version } : 'badTarget';
}

const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

/** Returns a shared string for the common methods, so a GET costs no allocation. */
function internMethod(buf: Buffer, s: number, e: number): string {
  for (const name of METHODS) {
    if (name.length === e - s && matchesExactly(buf, s, name)) return name;
  }
  return latin1(buf, s, e);
}

function hasSpace(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] === SP) return true;
  return false;
}

function matchesExactly(buf: Buffer, s: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (buf[s + k] !== text.charCodeAt(k)) return false;
  return true;
}

/**
 * The four request-target forms of RFC 9112 section 3.2: `*` only for OPTIONS, authority-form
 * (host:port) only and always for CONNECT, otherwise origin-form (/...) or absolute-form
 * (scheme:...).
 */
function checkTargetForm(method: string, target: string): boolean {
  if (method === 'CONNECT') {
    return target[0] !== '/' && target.includes(':') && !target.includes('/');
  }
  if (target === '*') return method === 'OPTIONS';
  if (target.charCodeAt(0) === 0x2f) return true;
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(target);
}

/** The cross-field rules, once every field is known. */
function checkRequestFacts(version: HttpVersion, facts: FieldFacts): FailureKind | undefined {
  // RFC 9112 section 6.1: Transfer-Encoding in HTTP/1.0 means the framing cannot be trusted.
  if (version === '1.0' && facts.transferEncodingLines > 0) return 'transferEncodingInHttp10';
  const coding = checkCodings(facts);
  if (coding !== undefined) return coding;
  // A coding other than chunked would have to be decoded to re-frame the body: 501.
  if (facts.otherCodings !== undefined) return 'unsupportedTransferCoding';
  if (version === '1.1' && facts.hostCount === 0) return 'missingHost';
  return undefined;
}

function buildHead(
  buf: Buffer,
  fields: readonly number[],
  line: RequestLine,
  facts: FieldFacts,
): RequestHead {
  const v11 = line.version === '1.1';
  const keepAlive = !facts.connectionClose && (v11 || facts.connectionKeepAlive);
  const upgradeWanted = v11 && facts.connectionUpgrade && facts.upgradeField !== -1;
  return new RequestHead(
    buf,
    fields,
    line.method,
    line.target,
    line.version,
    facts.contentLength === -1 ? undefined : facts.contentLength,
    facts.transferEncodingLines > 0,
    keepAlive,
    facts.connectionTokens ?? EMPTY_TOKENS,
    facts.host,
    v11 && facts.expectContinue,
    upgradeWanted ? fieldValueAt(buf, fields, facts.upgradeField) : undefined,
  );
}
