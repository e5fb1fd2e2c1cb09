import { describe, expect, it } from 'vitest';
import { HostPolicy } from './host-policy.js';
import { specialAddressKind } from './special-addresses.js';

/** A resolver for made-up names, so no test asks a real DNS server. */
const resolver =
  (answers: Record<string, string[]>) =>
  async (hostname: string): Promise<string[]> => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };

describe('HostPolicy: judged on resolved addresses', () => {
  const open = new HostPolicy({
    resolve: resolver({
      'public.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
      'points-inside.test': ['127.0.0.1'],
      'half-inside.test': ['93.184.216.34', '10.1.2.3'],
      'metadata.test': ['169.254.169.254'],
      'mapped.test': ['::ffff:192.168.0.1'],
    }),
  });

  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal
    ['http://0x7f000001/', 'loopback'], // hex
    ['http://0177.0.0.1/', 'loopback'], // octal
    ['http://127.1/', 'loopback'], // short form
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
    ['http://[::ffff:7f00:1]/', 'IPv4-mapped loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://[fd00::1]/', 'unique-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[64:ff9b::7f00:1]/', 'NAT64'],
    ['http://localhost/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://admin.localhost:8080/', 'loopback'],
    ['http://points-inside.test/', 'loopback'],
    ['http://half-inside.test/', 'private'],
    ['http://metadata.test/', 'link-local'],
    ['http://mapped.test/', 'IPv4-mapped private'],
  ])('refuses %s (%s)', async (url, kind) => {
    await expect(open.check(url)).rejects.toMatchObject({
      code: 'HOST_NOT_ALLOWED',
      message: expect.stringContaining(`is a ${kind}`),
    });
  });

  it('allows public hosts and returns the addresses to connect to', async () => {
    await expect(open.check('https://public.test/page')).resolves.toMatchObject({
      addresses: ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    });
    await expect(open.check('http://8.8.8.8/')).resolves.toMatchObject({ addresses: ['8.8.8.8'] });
  });

  it('refuses names it cannot resolve, other schemes and credentials', async () => {
    await expect(open.check('http://nowhere.test/')).rejects.toThrow(/could not be resolved \(ENOTFOUND\)/);
    await expect(open.check('file:///etc/passwd')).rejects.toThrow(/only http and https/);
    await expect(open.check('http://user:pw@public.test/')).rejects.toThrow(/credentials/);
  });

  it('reaches a non-public address only through an exact allow-list entry, never a wildcard', async () => {
    const policy = new HostPolicy({
      allowHosts: ['*.corp.test', 'wiki.corp.test', '127.0.0.1:8080'],
      resolve: resolver({ 'wiki.corp.test': ['10.0.0.5'], 'db.corp.test': ['10.0.0.6'] }),
    });
    await expect(policy.check('http://wiki.corp.test/')).resolves.toMatchObject({ addresses: ['10.0.0.5'] });
    await expect(policy.check('http://db.corp.test/')).rejects.toThrow(
      /resolves to 10\.0\.0\.6, which is a private address: refused, a wildcard allow-list entry only reaches public addresses/,
    );
    await expect(policy.check('http://127.0.0.1:8080/')).resolves.toBeDefined();
    await expect(policy.check('http://2130706433:8080/')).resolves.toBeDefined(); // the same host, spelled in decimal
    await expect(policy.check('http://127.0.0.1:8081/')).rejects.toThrow(/not on the allow-list/);
  });
});

describe('specialAddressKind', () => {
  it('leaves public addresses alone, including near the edges of special ranges', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2001:4860:4860::8888'])
      expect(specialAddressKind(address), address).toBeUndefined();
    expect(specialAddressKind('::ffff:8.8.8.8')).toBeUndefined();
    expect(specialAddressKind('172.31.255.255')).toBe('private');
  });
});
