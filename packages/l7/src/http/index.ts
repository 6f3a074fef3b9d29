/**
 * The HTTP/1.1 wire codec of the L7 proxy: incremental head parsers, body framers and head
 * builders. Standalone: Node built-ins only, no node:http, no llhttp.
 */
export { FAILED, NEED_MORE, codecError } from './codec-error';
export type { CodecError, CodecErrorCode, CodecSide, FailureKind } from './codec-error';
export { FIELD_STRIDE, FieldId } from './field-lines';
export { MessageHead } from './message-head';
export type { HeaderPair, HttpVersion } from './message-head';
export { RequestHead, RequestHeadParser } from './request-head';
export type { RequestFraming, RequestHeadOptions } from './request-head';
export { ResponseHead, ResponseHeadParser } from './response-head';
export type { ResponseFraming, ResponseHeadOptions } from './response-head';
export {
  ChunkedBody,
  LengthBody,
  UntilCloseBody,
  requestBodyFramer,
  responseBodyFramer,
} from './body';
export type { BodyFramer, ChunkedBodyOptions } from './body';
export {
  buildClientResponseHead,
  buildForwardRequestHead,
  renderCodecError,
  renderErrorResponse,
} from './serialize';
export type {
  ClientResponseOptions,
  ErrorResponseOptions,
  ForwardRequestOptions,
} from './serialize';
