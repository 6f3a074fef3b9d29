import { FIELD_VALUE, SP } from './char-class';
import { FAILED, NEED_MORE, codecError, type CodecError, type FailureKind } from './codec-error';
import { FieldFacts, checkCodings, fieldValueAt, latin1, scanFields } from './field-lines';
import { MessageHead, isDigit, parseVersion, type HttpVersion } from './message-head';
import { HeadScanner } from './head-scanner';

export interface ResponseHeadOptions {
  /**
   * Largest response head accepted from a backend, status line to final CRLF, in bytes. Larger
   * is a 502. Default 32768 (32 KiB): backends send bigger heads than clients (cookies, CSP).
   */
  maxHeadBytes?: number;
  /** Most field lines in one response head. More is a 502. Default 100. */
  maxFields?: number;
}

/**
 * How the response body is delimited (RFC 9112 section 6.3). `close`: read until the backend
 * closes. `tunnel`: no body; after this head the connection carries another protocol (101, or
 * 2xx to CONNECT).
 */
export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close' | 'tunnel';

const EMPTY_TOKENS: readonly string[] = Object.freeze([]);

/** A parsed, validated response head. */
export class ResponseHead extends MessageHead {
  constructor(
    buffer: Buffer,
    fields: readonly number[],
    readonly version: HttpVersion,
    readonly status: number,
    private readonly reasonEnd: number,
    /** Content-Length, or undefined when absent (never with chunked). */
    readonly contentLength: number | undefined,
    /** Transfer-Encoding is present, valid, and ends in chunked. */
    readonly chunked: boolean,
    /** Canonical coding list ("chunked", "gzip, chunked"), or undefined. */
    readonly transferEncoding: string | undefined,
    readonly framing: ResponseFraming,
    /** Whether the backend connection can carry another request after this response. */
    readonly keepAlive: boolean,
    /** `Keep-Alive: timeout=N` in seconds, or undefined. */
    readonly keepAliveTimeoutSec: number | undefined,
    /** Connection options, lowercased, in order. */
    readonly connectionTokens: readonly string[],
    /** The Upgrade value of a 101 response, else undefined. */
    readonly upgrade: string | undefined,
  ) {
    super(buffer, fields);
  }

  /** Reason phrase as sent (may be empty); built on demand. */
  get reason(): string {
    return this.reasonEnd > 13 ? latin1(this.buffer, 13, this.reasonEnd) : '';
  }

  /** A body follows this head (possibly of length 0). */
  get hasBody(): boolean {
    return this.framing === 'length' || this.framing === 'chunked' || this.framing === 'close';
  }

  /** An interim 1xx response: another head follows for the same request. 101 is not interim. */
  get informational(): boolean {
    return this.status < 200 && this.status !== 101;
  }
}

/**
 * Incremental response head parser for one backend connection. Before each response call
 * `reset(method)` with the method of the request it answers (the body rules depend on it), then
 * push chunks until it returns an offset. After an interim 1xx, reset with the same method.
 */
export class ResponseHeadParser {
  head: ResponseHead | undefined;
  error: CodecError | undefined;

  private readonly scanner: HeadScanner;
  private readonly facts = new FieldFacts();
  private requestMethod = 'GET';

  constructor(options: ResponseHeadOptions = {}) {
    const maxHeadBytes = options.maxHeadBytes ?? 32768;
    this.scanner = new HeadScanner({
      maxHeadBytes,
      maxFirstLineBytes: maxHeadBytes,
      maxFields: options.maxFields ?? 100,
      maxLeadingEmptyLines: 0,
    });
  }

  /** Same contract as RequestHeadParser.push; failures carry LB_ERR_BAD_RESPONSE (502). */
  push(chunk: Buffer, offset = 0): number {
    if (this.head !== undefined || this.error !== undefined) {
      throw new Error('ResponseHeadParser: call reset() before parsing the next head');
    }
    const end = this.scanner.scan(chunk, offset);
    if (end === NEED_MORE) return NEED_MORE;
    if (end === FAILED) return this.fail(this.scanner.failure ?? 'badStatusLine');
    const failure = this.parseHead();
    return failure === undefined ? end : this.fail(failure);
  }

  /** Prepares for the response to a request with `requestMethod` (default GET). */
  reset(requestMethod = 'GET'): void {
    this.head = undefined;
    this.error = undefined;
    this.requestMethod = requestMethod;
    this.scanner.reset();
  }

  private parseHead(): FailureKind | undefined {
    const { head: buf, lines, lineCount } = this.scanner;
    const line = parseStatusLine(buf, lines[0], lines[1]);
    if (typeof line === 'string') return line;

    const facts = this.facts;
    facts.reset();
    const fields = scanFields(buf, lines, lineCount, facts);
    if (typeof fields === 'string') return fields;

    // As for requests (RFC 9112 section 6.1): HTTP/1.0 framing with Transfer-Encoding is faulty.
    if (line.version === '1.0' && facts.transferEncodingLines > 0) {
      return 'transferEncodingInHttp10';
    }
    const failure = checkCodings(facts);
    if (failure !== undefined) return failure;
    this.head = buildHead(buf, fields, line, facts, this.requestMethod);
    return undefined;
  }

  private fail(kind: FailureKind): number {
    this.error = codecError('backend', kind);
    return FAILED;
  }
}

interface StatusLine {
  version: HttpVersion;
  status: number;
  reasonEnd: number;
}

/**
 * status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 section 4). The SP
 * before an empty reason is often missing in the wild and cannot confuse framing, so
 * "HTTP/1.1 200" is accepted. The start line is line 0, so it begins at offset 0.
 */
function parseStatusLine(buf: Buffer, s: number, e: number): StatusLine | FailureKind {
  const version = parseVersion(buf, s, Math.min(s + 8, e));
  if (version !== '1.0' && version !== '1.1') {
    return version === 'badVersion' ? 'badStatusLine' : version;
  }
  if (e - s < 12 || buf[s + 8] !== SP) return 'badStatusLine';
  if (!isDigit(buf[s + 9]) || !isDigit(buf[s + 10]) || !isDigit(buf[s + 11])) {
    return 'badStatusLine';
  }
  const status = (buf[s + 9] - 0x30) * 100 + (buf[s + 10] - 0x30) * 10 + (buf[s + 11] - 0x30);
  if (status < 100 || status > 599) return 'badStatusLine';

  // Reason: optional, any field-value byte.
  if (e > s + 12 && buf[s + 12] !== SP) return 'badStatusLine';
  for (let i = s + 13; i < e; i++) if (FIELD_VALUE[buf[i]] === 0) return 'badStatusLine';
  return { version, status, reasonEnd: e };
}

/** RFC 9112 section 6.3, in its order: the request method and status first, then the fields. */
function framingOf(status: number, method: string, facts: FieldFacts): ResponseFraming {
  if (status === 101) return 'tunnel';
  if (method === 'CONNECT' && status >= 200 && status < 300) return 'tunnel';
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return 'none';
  if (facts.transferEncodingLines > 0) return 'chunked';
  return facts.contentLength === -1 ? 'close' : 'length';
}

function buildHead(
  buf: Buffer,
  fields: readonly number[],
  line: StatusLine,
  facts: FieldFacts,
  method: string,
): ResponseHead {
  const framing = framingOf(line.status, method, facts);
  const persistent =
    !facts.connectionClose && (line.version === '1.1' || facts.connectionKeepAlive);
  const keepAlive = persistent && framing !== 'close' && framing !== 'tunnel';
  const chunked = facts.transferEncodingLines > 0;
  const upgrade = line.status === 101 && facts.upgradeField !== -1;
  const upgradeValue = upgrade ? fieldValueAt(buf, fields, facts.upgradeField) : undefined;
  return new ResponseHead(
    buf,
    fields,
    line.version,
    line.status,
    line.reasonEnd,
    facts.contentLength === -1 ? undefined : facts.contentLength,
    chunked,
    chunked ? codingList(facts) : undefined,
    framing,
    keepAlive,
    facts.keepAliveTimeout === -1 ? undefined : facts.keepAliveTimeout,
    facts.connectionTokens ?? EMPTY_TOKENS,
    upgradeValue,
  );
}

function codingList(facts: FieldFacts): string {
  return facts.otherCodings === undefined ? 'chunked' : facts.otherCodings.join(', ') + ', chunked';
}
