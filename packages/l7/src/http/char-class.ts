/**
 * Byte classes of RFC 9110/9112 as lookup tables. A table lookup per byte is the cheapest test V8
 * can run in a scanner loop: one bounds-checked load, no branches on ranges.
 */

export const HTAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const DQUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const BACKSLASH = 0x5c;

function tableOf(accept: (byte: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) table[b] = accept(b) ? 1 : 0;
  return table;
}

function isAlphaNum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** tchar: the bytes of a token (method, field name, coding, connection option). */
export const TCHAR = tableOf(
  (b) => isAlphaNum(b) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)),
);

/** field-vchar plus SP and HTAB: every byte allowed inside a field value (obs-text included). */
export const FIELD_VALUE = tableOf((b) => b === HTAB || (b >= SP && b !== 0x7f));

/**
 * Bytes allowed in a request-target. The URI grammar is ASCII-only, so this is strict: no
 * whitespace, no CTL, no DEL and no raw bytes >= 0x80 (clients percent-encode those).
 */
export const TARGET = tableOf((b) => b > SP && b < 0x7f);

/** Bytes of a Host value: uri-host (reg-name, IP-literal) and an optional port. */
export const HOST = tableOf(
  (b) => isAlphaNum(b) || "-._~%!$&'()*+,;=:[]".includes(String.fromCharCode(b)),
);

/** qdtext and quoted-pair payload bytes inside a quoted-string (obs-text included). */
export const QDTEXT = tableOf(
  (b) => b === HTAB || (b >= SP && b !== 0x7f && b !== DQUOTE && b !== BACKSLASH),
);

/** Value of a hexadecimal digit, or -1. */
export const HEX_VALUE = Int8Array.from({ length: 256 }, (_, b) => {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
});

export function isWhitespace(b: number): boolean {
  return b === SP || b === HTAB;
}
