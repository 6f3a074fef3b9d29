import {
  bytes,
  oneByteChunks,
  randomChunks,
  readRequests,
  readResponses,
  seededRandom,
} from './helpers';

/**
 * Damaged input: flip, insert or delete random bytes in valid streams. Whatever the codec
 * decides (accept or reject, and which rule), it must decide the same for every chunking, and
 * it must never throw.
 */

const REQUEST = bytes(
  'POST /a?b=c HTTP/1.1\r\nHost: h.example\r\nContent-Length: 3\r\nX-A: 1\r\n\r\nabc' +
    'PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;e=f\r\nwxyz\r\n0\r\nT: 1\r\n\r\n',
);

const RESPONSE = bytes(
  'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' +
    'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
);

const SPECIAL = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x7f, 0xff, 0x30, 0x61];

function mutate(data: Buffer, random: () => number): Buffer {
  const out = Buffer.from(data);
  const at = Math.floor(random() * out.length);
  const byte = SPECIAL[Math.floor(random() * SPECIAL.length)];
  const action = Math.floor(random() * 3);
  if (action === 0) out[at] = byte;
  if (action === 1)
    return Buffer.concat([out.subarray(0, at), Buffer.from([byte]), out.subarray(at)]);
  if (action === 2) return Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
  return out;
}

describe('damaged streams get the same verdict under any chunking', () => {
  test('requests (2000 seeded mutations)', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 2000; round++) {
      const data = mutate(REQUEST, random);
      const whole = readRequests([data]);
      expect(readRequests(oneByteChunks(data))).toEqual(whole);
      expect(readRequests(randomChunks(data, random, 12))).toEqual(whole);
    }
  });

  test('responses (2000 seeded mutations)', () => {
    const random = seededRandom(43);
    const methods = ['GET', 'POST'];
    for (let round = 0; round < 2000; round++) {
      const data = mutate(RESPONSE, random);
      const whole = readResponses([data], methods);
      expect(readResponses(oneByteChunks(data), methods)).toEqual(whole);
      expect(readResponses(randomChunks(data, random, 12), methods)).toEqual(whole);
    }
  });
});
