import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PhalanxError } from '../../codec/errors.js';
import { checkAccess, createAccessPolicy } from './checkAccess.js';

const local = createAccessPolicy({ bindHost: '127.0.0.1' });

describe('checkAccess', () => {
  it('allows loopback names on any port, with or without a trailing dot, and no Origin', () => {
    for (const host of ['localhost:9944', '127.0.0.1:1', '[::1]:9944', 'LOCALHOST', 'localhost.:9944']) {
      assert.deepEqual(checkAccess(local, { host, origin: undefined }), {
        allowed: true,
        corsOrigin: undefined,
      });
    }
  });

  it('refuses a foreign Host, as DNS rebinding sends it, and a missing or malformed one', () => {
    for (const host of [
      'evil.example:9944',
      'evil.example',
      '127.0.0.1.evil.example',
      undefined,
      '',
      'a@b',
      'x/y',
    ]) {
      const verdict = checkAccess(local, { host, origin: undefined });
      assert.equal(verdict.allowed, false, String(host));
    }
    const rebound = checkAccess(local, { host: 'evil.example:9944', origin: 'http://evil.example:9944' });
    assert.deepEqual(rebound, { allowed: false, reason: 'host "evil.example" is not allowed' });
  });

  it('refuses a foreign Origin, and the opaque "null" one, even with a loopback Host', () => {
    for (const origin of [
      'http://evil.example',
      'https://127.0.0.1.evil.example',
      'null',
      'file://',
      'nonsense',
    ]) {
      const verdict = checkAccess(local, { host: '127.0.0.1:9944', origin });
      assert.equal(verdict.allowed, false, origin);
    }
  });

  it('allows the node’s own pages without CORS and other loopback pages with it', () => {
    assert.deepEqual(checkAccess(local, { host: '127.0.0.1:9944', origin: 'http://127.0.0.1:9944' }), {
      allowed: true,
      corsOrigin: undefined,
    });
    assert.deepEqual(checkAccess(local, { host: '127.0.0.1:9944', origin: 'http://localhost:3000' }), {
      allowed: true,
      corsOrigin: 'http://localhost:3000',
    });
  });

  it('adds the bound address and configured hosts and origins to the defaults', () => {
    const policy = createAccessPolicy({
      bindHost: '10.0.0.5',
      allowedHosts: ['Node.Example', '::2'],
      allowedOrigins: ['https://app.example:8443/'],
    });
    for (const host of ['10.0.0.5:9944', 'node.example:80', '[::2]:9944', 'localhost:9944']) {
      assert.equal(checkAccess(policy, { host, origin: undefined }).allowed, true, host);
    }
    assert.deepEqual(checkAccess(policy, { host: 'node.example', origin: 'https://app.example:8443' }), {
      allowed: true,
      corsOrigin: 'https://app.example:8443',
    });
    assert.equal(checkAccess(policy, { host: 'node.example', origin: 'https://app.example' }).allowed, false);
    // A page served by the node under an allowed name is same-origin.
    assert.deepEqual(checkAccess(policy, { host: 'node.example:9944', origin: 'http://node.example:9944' }), {
      allowed: true,
      corsOrigin: undefined,
    });
  });

  it('adds nothing for a wildcard bind, and "*" allows any host or origin', () => {
    const wildcard = createAccessPolicy({ bindHost: '0.0.0.0' });
    assert.equal(checkAccess(wildcard, { host: '0.0.0.0:9944', origin: undefined }).allowed, false);
    const open = createAccessPolicy({ bindHost: '0.0.0.0', allowedHosts: ['*'], allowedOrigins: ['*'] });
    assert.deepEqual(checkAccess(open, { host: 'evil.example', origin: 'http://evil.example:1' }), {
      allowed: true,
      corsOrigin: 'http://evil.example:1',
    });
  });

  it('throws InvalidOption on an allowlist entry that is not a host or an http(s) origin', () => {
    assert.throws(
      () => createAccessPolicy({ bindHost: '127.0.0.1', allowedHosts: ['a/b'] }),
      (error) => error instanceof PhalanxError && error.code === 'InvalidOption',
    );
    for (const origin of ['ftp://x', 'http://x/path', 'x']) {
      assert.throws(
        () => createAccessPolicy({ bindHost: '127.0.0.1', allowedOrigins: [origin] }),
        (error) => error instanceof PhalanxError && error.code === 'InvalidOption',
        origin,
      );
    }
  });
});
