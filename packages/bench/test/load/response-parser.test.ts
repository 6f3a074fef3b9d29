import { ResponseParser } from '../../src/load/response-parser';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('ResponseParser', () => {
  it('frames a Content-Length body split across reads', () => {
    const parser = new ResponseParser();
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Backend-Id: b2\r\n\r\n';
    expect(parser.push(bytes(head + 'he'))).toBeUndefined();
    expect(parser.push(bytes('llo'))).toEqual({ status: 200, backendId: 'b2', close: false });
  });

  it('frames a chunked body and sees Connection: close', () => {
    const parser = new ResponseParser();
    const head = 'HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    expect(parser.push(bytes(`${head}3\r\nabc\r\n`))).toBeUndefined();
    expect(parser.push(bytes('0\r\n\r\n'))).toEqual({
      status: 503,
      backendId: undefined,
      close: true,
    });
  });

  it('completes a body without length at the end of the connection', () => {
    const parser = new ResponseParser();
    expect(parser.push(bytes('HTTP/1.0 200 OK\r\n\r\nbody'))).toBeUndefined();
    expect(parser.end()).toMatchObject({ status: 200 });
  });

  it('reads two responses in a row on one connection', () => {
    const parser = new ResponseParser();
    const one = 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nx-backend-id: b1\r\n\r\n';
    expect(parser.push(bytes(one))?.backendId).toBe('b1');
    expect(parser.push(bytes(one.replace('b1', 'b3')))?.backendId).toBe('b3');
  });
});
