import {
  COLON,
  COMMA,
  EQUALS,
  FIELD_VALUE,
  HOST,
  HTAB,
  SP,
  TCHAR,
  isWhitespace,
} from './char-class';
import type { FailureKind } from './codec-error';

/**
 * Phase two of parsing a head: validate each field line and note the fields that framing and
 * routing need. Field names and values stay bytes; a string is made only for the few values the
 * proxy reads (Host, Connection options, Upgrade), so a request with 12 fields costs a handful of
 * allocations instead of 24 strings and 12 pairs.
 */

/** Fields the codec recognises by name, case-insensitively. Everything else is `other`. */
export const FieldId = {
  other: 0,
  contentLength: 1,
  transferEncoding: 2,
  connection: 3,
  keepAlive: 4,
  proxyConnection: 5,
  te: 6,
  trailer: 7,
  upgrade: 8,
  host: 9,
  expect: 10,
  xForwardedFor: 11,
  xForwardedProto: 12,
  xForwardedHost: 13,
  forwarded: 14,
} as const;

/**
 * Layout of one field in `MessageHead.fields`: FIELD_STRIDE integers per field line, offsets
 * relative to the head buffer. `lineEnd` is past the line's CRLF, so dropping the field is
 * skipping [lineStart, lineEnd).
 */
export const FIELD_STRIDE = 6;
export const F_LINE_START = 0;
export const F_NAME_END = 1;
export const F_VALUE_START = 2;
export const F_VALUE_END = 3;
export const F_LINE_END = 4;
export const F_ID = 5;

/** True when bytes [s, s + lower.length) equal `lower`, ignoring ASCII case (input validated). */
export function equalsLower(buf: Uint8Array, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    if ((buf[s + k] | 0x20) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Recognises a field name by length first, so most names cost one switch. */
export function fieldIdOf(buf: Uint8Array, s: number, e: number): number {
  switch (e - s) {
    case 2:
      return equalsLower(buf, s, e, 'te') ? FieldId.te : FieldId.other;
    case 4:
      return equalsLower(buf, s, e, 'host') ? FieldId.host : FieldId.other;
    case 6:
      return equalsLower(buf, s, e, 'expect') ? FieldId.expect : FieldId.other;
    case 7:
      if (equalsLower(buf, s, e, 'upgrade')) return FieldId.upgrade;
      return equalsLower(buf, s, e, 'trailer') ? FieldId.trailer : FieldId.other;
    case 9:
      return equalsLower(buf, s, e, 'forwarded') ? FieldId.forwarded : FieldId.other;
    case 10:
      if (equalsLower(buf, s, e, 'connection')) return FieldId.connection;
      return equalsLower(buf, s, e, 'keep-alive') ? FieldId.keepAlive : FieldId.other;
    case 14:
      return equalsLower(buf, s, e, 'content-length') ? FieldId.contentLength : FieldId.other;
    case 15:
      return equalsLower(buf, s, e, 'x-forwarded-for') ? FieldId.xForwardedFor : FieldId.other;
    case 16:
      if (equalsLower(buf, s, e, 'x-forwarded-host')) return FieldId.xForwardedHost;
      return equalsLower(buf, s, e, 'proxy-connection') ? FieldId.proxyConnection : FieldId.other;
    case 17:
      if (equalsLower(buf, s, e, 'transfer-encoding')) return FieldId.transferEncoding;
      return equalsLower(buf, s, e, 'x-forwarded-proto') ? FieldId.xForwardedProto : FieldId.other;
    default:
      return FieldId.other;
  }
}

/**
 * Validates one field line [s, e) (CRLF excluded; the scanner saw no other CR or LF in it) and
 * appends its FIELD_STRIDE slots to `out`.
 * field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5).
 */
export function scanFieldLine(
  buf: Buffer,
  s: number,
  e: number,
  out: number[],
): FailureKind | undefined {
  // A line that starts with whitespace continues the previous one: obs-fold, rejected.
  if (isWhitespace(buf[s])) return 'obsFold';

  // Name: tchars up to the colon; whitespace there is a known smuggling trick.
  let i = s;
  while (i < e && TCHAR[buf[i]] === 1) i++;
  if (i === e) return 'missingColon';
  if (buf[i] !== COLON) return isWhitespace(buf[i]) ? 'whitespaceBeforeColon' : 'badFieldName';
  if (i === s) return 'badFieldName';
  const nameEnd = i++;

  // Value: leading OWS skipped, trailing OWS trimmed, every byte checked.
  while (i < e && isWhitespace(buf[i])) i++;
  const valueStart = i;
  let valueEnd = i;
  for (; i < e; i++) {
    const b = buf[i];
    if (FIELD_VALUE[b] === 0) return 'badFieldValue';
    if (b !== SP && b !== HTAB) valueEnd = i + 1;
  }

  // Slot order is F_LINE_START .. F_ID.
  out.push(s, nameEnd, valueStart, valueEnd, e + 2, fieldIdOf(buf, s, nameEnd));
  return undefined;
}

/** Framing and routing facts gathered over a head's fields; one instance reused per parser. */
export class FieldFacts {
  contentLength = -1;
  transferEncodingLines = 0;
  codingCount = 0;
  lastCodingChunked = false;
  /** Non-chunked codings, lowercased, in order; allocated only when one appears. */
  otherCodings: string[] | undefined;
  connectionTokens: string[] | undefined;
  connectionClose = false;
  connectionKeepAlive = false;
  connectionUpgrade = false;
  hostCount = 0;
  host: string | undefined;
  expectContinue = false;
  upgradeField = -1;
  keepAliveTimeout = -1;

  reset(): void {
    this.contentLength = -1;
    this.transferEncodingLines = 0;
    this.codingCount = 0;
    this.lastCodingChunked = false;
    this.otherCodings = undefined;
    this.connectionTokens = undefined;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.connectionUpgrade = false;
    this.hostCount = 0;
    this.host = undefined;
    this.expectContinue = false;
    this.upgradeField = -1;
    this.keepAliveTimeout = -1;
  }
}

/**
 * Scans field lines 1..lineCount-1 of a head (line 0 is the start line) into a fresh offsets
 * table, noting framing facts. Returns the table, or the failure. The table is a plain array of
 * small integers, not an Int32Array: V8 allocates a small packed array in the young generation
 * in tens of nanoseconds, a typed array of this size takes hundreds (it gets its own backing
 * store).
 */
export function scanFields(
  buf: Buffer,
  lines: Int32Array,
  lineCount: number,
  facts: FieldFacts,
): number[] | FailureKind {
  const fields: number[] = [];
  for (let n = 1; n < lineCount; n++) {
    const at = (n - 1) * FIELD_STRIDE;
    const failure = scanFieldLine(buf, lines[2 * n], lines[2 * n + 1], fields);
    if (failure !== undefined) return failure;
    const id = fields[at + F_ID];
    if (id === FieldId.other) continue;
    const noted = noteField(buf, id, fields[at + F_VALUE_START], fields[at + F_VALUE_END], facts);
    if (noted !== undefined) return noted;
    if (id === FieldId.upgrade) facts.upgradeField = n - 1;
  }
  return fields;
}

function noteField(
  buf: Buffer,
  id: number,
  s: number,
  e: number,
  facts: FieldFacts,
): FailureKind | undefined {
  switch (id) {
    case FieldId.contentLength:
      return noteContentLength(buf, s, e, facts);
    case FieldId.transferEncoding:
      facts.transferEncodingLines++;
      return forEachElement(buf, s, e, facts, noteCoding);
    case FieldId.connection:
      return forEachElement(buf, s, e, facts, noteConnectionOption);
    case FieldId.host:
      return noteHost(buf, s, e, facts);
    case FieldId.expect:
      if (equalsLower(buf, s, e, '100-continue')) facts.expectContinue = true;
      return undefined;
    case FieldId.keepAlive:
      return forEachElement(buf, s, e, facts, noteKeepAliveParam);
    default:
      return undefined;
  }
}

/**
 * Content-Length: 1*DIGIT. A repeated field is rejected even when the values agree: RFC 9110
 * allows merging equal copies, but a proxy that merges while a backend rejects (or the other way
 * round) disagrees on framing, and no correct sender repeats it. A list ("5, 5") fails the digit
 * test for the same reason. 15 digits bound the value below 2^53.
 */
function noteContentLength(
  buf: Buffer,
  s: number,
  e: number,
  facts: FieldFacts,
): FailureKind | undefined {
  if (facts.contentLength !== -1) return 'duplicateContentLength';
  if (s === e) return 'badContentLength';
  let value = 0;
  for (let i = s; i < e; i++) {
    const digit = buf[i] - 0x30;
    if (digit < 0 || digit > 9) return 'badContentLength';
    value = value * 10 + digit;
  }
  if (e - s > 15) return 'contentLengthTooLarge';
  facts.contentLength = value;
  return undefined;
}

function noteHost(buf: Buffer, s: number, e: number, facts: FieldFacts): FailureKind | undefined {
  if (++facts.hostCount > 1) return 'duplicateHost';
  for (let i = s; i < e; i++) {
    if (HOST[buf[i]] === 0) return 'badHost';
  }
  facts.host = latin1(buf, s, e);
  return undefined;
}

type ElementVisitor = (
  buf: Buffer,
  s: number,
  e: number,
  facts: FieldFacts,
) => FailureKind | undefined;

/**
 * Calls `visit` for each non-empty element of a comma-separated list with OWS trimmed
 * (RFC 9110 section 5.6.1: empty elements are allowed and ignored). No quoted commas: the lists
 * read here (codings, connection options, keep-alive params) have none in practice, and a quoted
 * comma only makes an element fail its own check.
 */
function forEachElement(
  buf: Buffer,
  s: number,
  e: number,
  facts: FieldFacts,
  visit: ElementVisitor,
): FailureKind | undefined {
  let i = s;
  while (i < e) {
    let start = i;
    while (i < e && buf[i] !== COMMA) i++;
    let end = i++;
    while (start < end && isWhitespace(buf[start])) start++;
    while (end > start && isWhitespace(buf[end - 1])) end--;
    if (start === end) continue;
    const failure = visit(buf, start, end, facts);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

/**
 * One transfer-coding. Parameters are rejected: no registered coding uses them, and accepting
 * them would mean re-emitting text the next hop may parse differently.
 */
function noteCoding(buf: Buffer, s: number, e: number, facts: FieldFacts): FailureKind | undefined {
  if (!isToken(buf, s, e)) return 'badTransferCoding';
  const chunked = equalsLower(buf, s, e, 'chunked');
  if (facts.lastCodingChunked) return chunked ? 'chunkedTwice' : 'chunkedNotLast';
  if (!chunked) (facts.otherCodings ??= []).push(latin1(buf, s, e).toLowerCase());
  facts.lastCodingChunked = chunked;
  facts.codingCount++;
  return undefined;
}

function noteConnectionOption(
  buf: Buffer,
  s: number,
  e: number,
  facts: FieldFacts,
): FailureKind | undefined {
  if (!isToken(buf, s, e)) return 'badConnection';
  const tokens = (facts.connectionTokens ??= []);
  if (equalsLower(buf, s, e, 'close')) {
    facts.connectionClose = true;
    tokens.push('close');
  } else if (equalsLower(buf, s, e, 'keep-alive')) {
    facts.connectionKeepAlive = true;
    tokens.push('keep-alive');
  } else if (equalsLower(buf, s, e, 'upgrade')) {
    facts.connectionUpgrade = true;
    tokens.push('upgrade');
  } else {
    tokens.push(latin1(buf, s, e).toLowerCase());
  }
  return undefined;
}

/** Keep-Alive: timeout=N[, max=M]; anything malformed is ignored, the field is only advice. */
function noteKeepAliveParam(buf: Buffer, s: number, e: number, facts: FieldFacts): undefined {
  let i = s;
  while (i < e && TCHAR[buf[i]] === 1) i++;
  if (!equalsLower(buf, s, i, 'timeout')) return undefined;
  while (i < e && isWhitespace(buf[i])) i++;
  if (buf[i++] !== EQUALS) return undefined;
  while (i < e && isWhitespace(buf[i])) i++;
  const value = parseDigits(buf, i, e, 9);
  if (value >= 0) facts.keepAliveTimeout = value;
  return undefined;
}

/** Parses 1..maxDigits decimal digits filling [s, e), or returns -1. */
export function parseDigits(buf: Uint8Array, s: number, e: number, maxDigits: number): number {
  if (s >= e || e - s > maxDigits) return -1;
  let value = 0;
  for (let i = s; i < e; i++) {
    const digit = buf[i] - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

export function isToken(buf: Uint8Array, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i++) {
    if (TCHAR[buf[i]] === 0) return false;
  }
  return true;
}

/** Ends the transfer-coding checks once every field is seen. */
export function checkCodings(facts: FieldFacts): FailureKind | undefined {
  if (facts.transferEncodingLines === 0) return undefined;
  if (facts.contentLength !== -1) return 'contentLengthWithTransferEncoding';
  if (facts.codingCount === 0) return 'emptyTransferEncoding';
  if (!facts.lastCodingChunked) return 'finalCodingNotChunked';
  return undefined;
}

/**
 * Bytes to a string, one char per byte. latin1 keeps obs-text bytes intact, so
 * `Buffer.from(s, 'latin1')` gives back the exact bytes a proxy must forward.
 */
export function latin1(buf: Buffer, s: number, e: number): string {
  return buf.toString('latin1', s, e);
}

/** Value string of field `index` in an offsets table. */
export function fieldValueAt(buf: Buffer, fields: readonly number[], index: number): string {
  const at = index * FIELD_STRIDE;
  return latin1(buf, fields[at + F_VALUE_START], fields[at + F_VALUE_END]);
}
