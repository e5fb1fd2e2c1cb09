import { describe, expect, it } from 'vitest';
import { createHttpGuard, isLoopbackHost, weakTokenReason } from './http-guard.js';

const token = 'a'.repeat(24);
const json = { 'content-type': 'application/json' };

describe('createHttpGuard', () => {
  it('refuses a foreign Host even with the right token (DNS rebinding), naming the flag that allows it', () => {
    const guard = createHttpGuard({ host: '127.0.0.1', token });
    const refusal = guard.check({
      method: 'POST',
      headers: { host: 'evil.example:8080', authorization: `Bearer ${token}`, ...json },
    });
    expect(refusal).toMatchObject({ status: 403, check: 'host' });
    expect(refusal?.message).toContain('--allowed-host evil.example');
    const allowed = createHttpGuard({ host: '127.0.0.1', token, allowedHosts: ['evil.example'] });
    expect(
      allowed.check({
        method: 'POST',
        headers: { host: 'evil.example:8080', authorization: `Bearer ${token}`, ...json },
      }),
    ).toBeUndefined();
  });

  it('checks Origin, then the token (any other bearer is refused), then a JSON content type on bodies', () => {
    const guard = createHttpGuard({ host: '127.0.0.1', token });
    const from = (headers: Record<string, string>, method = 'POST') =>
      guard.check({ method, headers: { host: '127.0.0.1:3000', ...headers } })?.check;
    expect(from({ origin: 'https://site.example', authorization: `Bearer ${token}`, ...json })).toBe(
      'origin',
    );
    expect(
      from({ origin: 'http://localhost:5173', authorization: `Bearer ${token}`, ...json }),
    ).toBeUndefined();
    expect(from({ authorization: `Bearer ${token.slice(1)}b`, ...json })).toBe('token');
    expect(from({ ...json })).toBe('token');
    expect(from({ authorization: `Bearer ${token}`, 'content-type': 'text/plain' })).toBe('content-type');
    expect(from({ authorization: `Bearer ${token}` }, 'GET')).toBeUndefined();
  });

  it('bound to a wildcard address, accepts this machine’s own addresses but not another name', () => {
    const guard = createHttpGuard({ host: '0.0.0.0', token });
    const asHost = (host: string) =>
      guard.check({ method: 'GET', headers: { host, authorization: `Bearer ${token}` } })?.check;
    expect(asHost('127.0.0.1:3000')).toBeUndefined();
    expect(asHost('[::1]:3000')).toBeUndefined();
    expect(asHost('attacker.example')).toBe('host');
  });
});

describe('isLoopbackHost and weakTokenReason', () => {
  it('knows loopback names and says why a short token is weak', () => {
    expect(['127.0.0.1', '127.8.9.1', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', 'example.com'].some(isLoopbackHost)).toBe(false);
    expect(weakTokenReason('x')).toMatch(/1 characters long; use at least 16/);
    expect(weakTokenReason(token)).toBeUndefined();
  });
});
