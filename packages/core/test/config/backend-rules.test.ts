import { validateConfig } from '../../src/config/load';
import { lbErrorFrom } from '../fixtures/errors';

describe('backend ids are unique', () => {
  test.each([
    { backends: ['127.0.0.1:1', '127.0.0.1:1'], key: 'backends[1].id' },
    {
      backends: [
        { address: '127.0.0.1:1', id: 'a' },
        { address: '127.0.0.1:2', id: 'a' },
      ],
      key: 'backends[1].id',
    },
    {
      backends: ['127.0.0.1:1', '127.0.0.1:2', { address: '127.0.0.1:3', id: '127.0.0.1:1' }],
      key: 'backends[2].id',
    },
  ])('a repeated id is refused at $key', ({ backends, key }) => {
    const err = lbErrorFrom(() => validateConfig({ backends }));
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.details.key).toBe(key);
    expect(err.message).toContain(key);
  });

  test('the same address twice under different ids is allowed', () => {
    const config = validateConfig({
      backends: [
        { address: '127.0.0.1:1', id: 'a' },
        { address: '127.0.0.1:1', id: 'b' },
      ],
    });
    expect(config.backends.map((b) => b.id)).toEqual(['a', 'b']);
  });
});

describe('a backend carries a scheme exactly when the protocol allows one', () => {
  test.each([
    { address: 'http://127.0.0.1:9001', scheme: undefined, ok: false },
    { address: 'https://127.0.0.1:9001', scheme: 'http', ok: false },
    { address: 'tcp://127.0.0.1:9001', scheme: 'http', ok: false },
    { address: 'http://127.0.0.1:9001', scheme: 'http', ok: true },
    { address: '127.0.0.1:9001', scheme: 'http', ok: true },
    { address: '127.0.0.1:9001', scheme: undefined, ok: true },
  ])('$address with scheme $scheme allowed: ok=$ok', ({ address, scheme, ok }) => {
    const attempt = () => validateConfig({ backends: ['127.0.0.1:1', address] }, scheme);
    if (ok) {
      expect(attempt().backends[1]).toMatchObject({ host: '127.0.0.1', port: 9001 });
      return;
    }
    const err = lbErrorFrom(attempt);
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.details.key).toBe('backends[1]');
    expect(err.message).toContain(JSON.stringify(address));
  });
});

describe('an admin listener off loopback needs a token', () => {
  const TOKEN = 'a-token-of-enough-length';

  test.each([
    { listen: '0.0.0.0:9900', token: undefined, ok: false },
    { listen: '10.0.0.5:9900', token: undefined, ok: false },
    { listen: '0.0.0.0:9900', token: TOKEN, ok: true },
    { listen: '127.0.0.1:9900', token: undefined, ok: true },
    { listen: '127.9.9.9:9900', token: undefined, ok: true },
    { listen: 'localhost:9900', token: undefined, ok: true },
    { listen: '[::1]:9900', token: undefined, ok: true },
  ])('$listen with token $token: ok=$ok', ({ listen, token, ok }) => {
    const input = { backends: ['127.0.0.1:1'], admin: { listen, token } };
    if (ok) {
      expect(validateConfig(input).admin.token).toBe(token);
      return;
    }
    const err = lbErrorFrom(() => validateConfig(input));
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.details.key).toBe('admin.token');
    expect(err.message).toContain('admin.token');
  });
});
