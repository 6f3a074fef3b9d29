/**
 * Every failure the HTTP/1.1 codec can report, in one table. A failure has a stable `kind` (what
 * rule was broken), and the side that sent the bytes decides the code and status: a client's bad
 * bytes answer 400 (or 414/431/501/505 where RFC 9112 names a better status), a backend's bad
 * bytes become a 502 for the client. Errors are plain frozen objects, cached per (side, kind), so
 * rejecting hostile traffic allocates nothing and captures no stack.
 */

export type CodecSide = 'client' | 'backend';

export type CodecErrorCode =
  | 'LB_ERR_BAD_REQUEST'
  | 'LB_ERR_URI_TOO_LONG'
  | 'LB_ERR_HEADERS_TOO_LARGE'
  | 'LB_ERR_NOT_IMPLEMENTED'
  | 'LB_ERR_VERSION_NOT_SUPPORTED'
  | 'LB_ERR_BAD_RESPONSE';

export interface CodecError {
  readonly code: CodecErrorCode;
  /** Status to answer the client with. */
  readonly status: number;
  /** Short, fixed text: safe to log and to put in a response body (never echoes input). */
  readonly reason: string;
  readonly kind: FailureKind;
  readonly side: CodecSide;
}

interface FailureSpec {
  reason: string;
  /** Client-side status when not 400. */
  status?: 414 | 431 | 501 | 505;
}

const FAILURES = {
  bareCr: { reason: 'bare CR in message framing' },
  bareLf: { reason: 'bare LF in message framing' },
  leadingEmptyLines: { reason: 'too many empty lines before the start line' },
  headTooLarge: { reason: 'message head too large', status: 431 },
  tooManyFields: { reason: 'too many header fields', status: 431 },
  requestLineTooLong: { reason: 'request line too long', status: 414 },
  badRequestLine: { reason: 'malformed request line' },
  badMethod: { reason: 'invalid method token' },
  badTarget: { reason: 'invalid request-target' },
  badVersion: { reason: 'malformed HTTP version' },
  unsupportedVersion: { reason: 'unsupported HTTP version', status: 505 },
  badStatusLine: { reason: 'malformed status line' },
  obsFold: { reason: 'obsolete line folding' },
  whitespaceBeforeColon: { reason: 'whitespace between field name and colon' },
  missingColon: { reason: 'field line without colon' },
  badFieldName: { reason: 'invalid field name' },
  badFieldValue: { reason: 'invalid byte in field value' },
  contentLengthWithTransferEncoding: { reason: 'content-length with transfer-encoding' },
  duplicateContentLength: { reason: 'duplicate content-length' },
  badContentLength: { reason: 'invalid content-length' },
  contentLengthTooLarge: { reason: 'content-length too large' },
  emptyTransferEncoding: { reason: 'empty transfer-encoding' },
  badTransferCoding: { reason: 'invalid transfer-coding' },
  chunkedTwice: { reason: 'chunked applied more than once' },
  chunkedNotLast: { reason: 'chunked is not the final transfer-coding' },
  finalCodingNotChunked: { reason: 'transfer-encoding without final chunked' },
  unsupportedTransferCoding: { reason: 'unsupported transfer-coding', status: 501 },
  transferEncodingInHttp10: { reason: 'transfer-encoding in an HTTP/1.0 message' },
  missingHost: { reason: 'missing host' },
  duplicateHost: { reason: 'duplicate host' },
  badHost: { reason: 'invalid host' },
  badConnection: { reason: 'invalid connection option' },
  badChunkSize: { reason: 'invalid chunk size' },
  chunkSizeOverflow: { reason: 'chunk size too large' },
  badChunkExtension: { reason: 'invalid chunk extension' },
  chunkLineTooLong: { reason: 'chunk size line too long' },
  missingChunkCrlf: { reason: 'missing CRLF after chunk data' },
  trailersTooLarge: { reason: 'trailer section too large' },
  forbiddenTrailer: { reason: 'field not allowed in a trailer section' },
  truncatedBody: { reason: 'body ended before its framing said' },
} satisfies Record<string, FailureSpec>;

export type FailureKind = keyof typeof FAILURES;

const cache = new Map<string, CodecError>();

/** The error for `kind` when the bytes came from `side`. */
export function codecError(side: CodecSide, kind: FailureKind): CodecError {
  const key = side + ':' + kind;
  let error = cache.get(key);
  if (error === undefined) {
    error = Object.freeze(buildError(side, kind));
    cache.set(key, error);
  }
  return error;
}

function buildError(side: CodecSide, kind: FailureKind): CodecError {
  const spec: FailureSpec = FAILURES[kind];
  if (side === 'backend') {
    return { code: 'LB_ERR_BAD_RESPONSE', status: 502, reason: spec.reason, kind, side };
  }
  return {
    code: clientCode(spec.status),
    status: spec.status ?? 400,
    reason: spec.reason,
    kind,
    side,
  };
}

function clientCode(status: FailureSpec['status']): CodecErrorCode {
  switch (status) {
    case 414:
      return 'LB_ERR_URI_TOO_LONG';
    case 431:
      return 'LB_ERR_HEADERS_TOO_LARGE';
    case 501:
      return 'LB_ERR_NOT_IMPLEMENTED';
    case 505:
      return 'LB_ERR_VERSION_NOT_SUPPORTED';
    default:
      return 'LB_ERR_BAD_REQUEST';
  }
}

/** Return value of the incremental `push` methods: the head is not complete yet. */
export const NEED_MORE = -1;
/** Return value of the incremental `push` methods: the input is invalid; see `.error`. */
export const FAILED = -2;
