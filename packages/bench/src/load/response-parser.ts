/** What the load generator needs from a response. */
export interface ParsedResponse {
  status: number;
  backendId: string | undefined;
  /** The server will close the connection after this response. */
  close: boolean;
}

const crlf = Buffer.from('\r\n');
const headEnd = Buffer.from('\r\n\r\n');

interface Head extends ParsedResponse {
  contentLength: number | undefined;
  chunked: boolean;
}

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const status = Number(lines[0]?.slice(9, 12));
  const head: Head = {
    status,
    backendId: undefined,
    close: false,
    contentLength: undefined,
    chunked: false,
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') head.contentLength = Number(value);
    else if (name === 'x-backend-id') head.backendId = value;
    else if (name === 'connection') head.close = value.toLowerCase().includes('close');
    else if (name === 'transfer-encoding') head.chunked = value.toLowerCase().includes('chunked');
  }
  if (status === 204 || status === 304) head.contentLength = 0;
  return head;
}

/**
 * Frames one HTTP/1.1 response at a time on a client connection: head, then a body framed by
 * Content-Length, chunked encoding, or the end of the connection. It keeps only what framing
 * needs, so the generator stays far cheaper per request than any proxy it measures.
 */
export class ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private head: Head | undefined;

  /** Feeds bytes; returns the response once it is complete. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.head) {
      const end = this.buffer.indexOf(headEnd);
      if (end < 0) return undefined;
      this.head = parseHead(this.buffer.toString('latin1', 0, end));
      this.buffer = this.buffer.subarray(end + headEnd.length);
    }
    return this.bodyDone() ? this.complete() : undefined;
  }

  /** The connection ended: a response framed by close is complete now. */
  end(): ParsedResponse | undefined {
    const head = this.head;
    if (!head || head.chunked || head.contentLength !== undefined) return undefined;
    return this.complete();
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.head = undefined;
  }

  private complete(): ParsedResponse {
    const { status, backendId, close } = this.head as Head;
    this.reset();
    return { status, backendId, close };
  }

  private bodyDone(): boolean {
    const head = this.head as Head;
    if (head.chunked) return this.chunkedDone();
    if (head.contentLength === undefined) return false;
    return this.buffer.length >= head.contentLength;
  }

  // Walks the chunk-size lines without copying; the body itself is never kept.
  private chunkedDone(): boolean {
    let offset = 0;
    for (;;) {
      const lineEnd = this.buffer.indexOf(crlf, offset);
      if (lineEnd < 0) return false;
      const size = parseInt(this.buffer.toString('latin1', offset, lineEnd), 16);
      if (size === 0) return this.buffer.indexOf(headEnd, lineEnd) >= 0;
      offset = lineEnd + 2 + size + 2;
      if (offset > this.buffer.length) return false;
    }
  }
}
