import {
  FIELD_STRIDE,
  F_ID,
  F_LINE_END,
  F_LINE_START,
  F_NAME_END,
  F_VALUE_END,
  F_VALUE_START,
  equalsLower,
  latin1,
} from './field-lines';
import type { FailureKind } from './codec-error';

export type HttpVersion = '1.0' | '1.1';

/** A field as a pair of strings: original case, value without surrounding whitespace. */
export type HeaderPair = [name: string, value: string];

/**
 * What request and response heads share: the raw head bytes and a table of field offsets into
 * them. Strings are built only on demand, because the proxy forwards most fields as bytes.
 *
 * `buffer` may be a view into a chunk the caller pushed; it must not be mutated while in use.
 */
export class MessageHead {
  private pairs: HeaderPair[] | undefined;

  constructor(
    /** The head: start line, field lines and the final empty line, as received. */
    readonly buffer: Buffer,
    /** FIELD_STRIDE integers per field line: see `F_*` in field-lines.ts. */
    readonly fields: readonly number[],
  ) {}

  /** Bytes of the head, its final CRLF included. */
  get headBytes(): number {
    return this.buffer.length;
  }

  get fieldCount(): number {
    return this.fields.length / FIELD_STRIDE;
  }

  /** Field lines as [name, value] pairs in arrival order; built once, on first use. */
  get headers(): HeaderPair[] {
    if (this.pairs === undefined) {
      const pairs: HeaderPair[] = new Array(this.fieldCount);
      for (let i = 0; i < pairs.length; i++) pairs[i] = [this.fieldName(i), this.fieldValue(i)];
      this.pairs = pairs;
    }
    return this.pairs;
  }

  fieldName(i: number): string {
    const at = i * FIELD_STRIDE;
    return latin1(this.buffer, this.fields[at + F_LINE_START], this.fields[at + F_NAME_END]);
  }

  fieldValue(i: number): string {
    const at = i * FIELD_STRIDE;
    return latin1(this.buffer, this.fields[at + F_VALUE_START], this.fields[at + F_VALUE_END]);
  }

  /** Offset of field line `i` in `buffer`. */
  lineStart(i: number): number {
    return this.fields[i * FIELD_STRIDE + F_LINE_START];
  }

  /** Offset just past field line `i`'s CRLF in `buffer`. */
  lineEnd(i: number): number {
    return this.fields[i * FIELD_STRIDE + F_LINE_END];
  }

  /** The `FieldId` the codec gave field `i` (FieldId.other for names it does not track). */
  fieldId(i: number): number {
    return this.fields[i * FIELD_STRIDE + F_ID];
  }

  /** True when field `i` is named `lowerName` (which must be lowercase), ignoring case. */
  isNamed(i: number, lowerName: string): boolean {
    const at = i * FIELD_STRIDE;
    return equalsLower(
      this.buffer,
      this.fields[at + F_LINE_START],
      this.fields[at + F_NAME_END],
      lowerName,
    );
  }

  /** Index of the first field named `lowerName` (lowercase) at or after `from`, or -1. */
  indexOf(lowerName: string, from = 0): number {
    for (let i = from; i < this.fieldCount; i++) if (this.isNamed(i, lowerName)) return i;
    return -1;
  }

  /** Value of the first field named `lowerName` (lowercase), or undefined. */
  get(lowerName: string): string | undefined {
    const i = this.indexOf(lowerName);
    return i === -1 ? undefined : this.fieldValue(i);
  }

  /** Offset in `buffer` where the field lines begin (just past the start line). */
  get fieldsStart(): number {
    return this.fieldCount > 0 ? this.lineStart(0) : this.buffer.length - 2;
  }
}

/**
 * HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive, filling [s, e). A well-formed version
 * other than 1.0 or 1.1 is 'unsupportedVersion' (505, RFC 9110 section 15.6.6).
 */
export function parseVersion(buf: Buffer, s: number, e: number): HttpVersion | FailureKind {
  const shaped =
    e - s === 8 &&
    buf[s] === 0x48 && // H
    buf[s + 1] === 0x54 && // T
    buf[s + 2] === 0x54 && // T
    buf[s + 3] === 0x50 && // P
    buf[s + 4] === 0x2f && // /
    isDigit(buf[s + 5]) &&
    buf[s + 6] === 0x2e && // .
    isDigit(buf[s + 7]);
  if (!shaped) return 'badVersion';
  if (buf[s + 5] !== 0x31 || buf[s + 7] > 0x31) return 'unsupportedVersion';
  return buf[s + 7] === 0x31 ? '1.1' : '1.0';
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}
