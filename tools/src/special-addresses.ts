import { isIP } from 'node:net';

/**
 * Address ranges a tool must not reach unless the user names the host: everything that is not a
 * public unicast address (IANA special-purpose registries), keyed by what the range is, so a
 * refusal can say why.
 */
const SPECIAL_RANGES: ReadonlyArray<readonly [cidr: string, kind: string]> = [
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata lives here)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignment'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // IPv4-mapped (::ffff:0:0/96) is judged by the IPv4 address inside it, below.
  ['::/96', 'IPv4-compatible IPv6'],
  ['64:ff9b::/96', 'NAT64 (reaches IPv4 through a translator)'],
  ['64:ff9b:1::/48', 'NAT64 (reaches IPv4 through a translator)'],
  ['100::/64', 'discard-only'],
  ['2001::/32', 'Teredo tunnel'],
  ['2001:db8::/32', 'documentation'],
  ['2002::/16', '6to4 tunnel'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];

interface Range {
  bits: 32 | 128;
  base: bigint;
  prefix: number;
  kind: string;
}

/** The address as an unsigned integer of 32 (IPv4) or 128 (IPv6) bits; undefined when it is not an IP. */
function addressBits(address: string): { bits: 32 | 128; value: bigint } | undefined {
  const family = isIP(address);
  if (family === 4)
    return {
      bits: 32,
      value: address.split('.').reduce((sum, part) => (sum << 8n) + BigInt(Number(part)), 0n),
    };
  if (family !== 6) return undefined;
  // The URL parser rewrites any IPv6 spelling (dotted tail, zero runs, case) to one canonical form.
  const canonical = new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return { bits: 128, value: groups.reduce((sum, group) => (sum << 16n) + BigInt(`0x${group}`), 0n) };
}

const RANGES: Range[] = SPECIAL_RANGES.map(([cidr, kind]) => {
  const [address = '', prefix = ''] = cidr.split('/');
  const parsed = addressBits(address);
  if (!parsed) throw new Error(`bad range ${cidr}`);
  return { bits: parsed.bits, base: parsed.value, prefix: Number(prefix), kind };
});

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * What kind of non-public address `address` is (`"loopback"`, `"private"`, ...), or undefined for a
 * public unicast address. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged by their IPv4
 * part. `address` must be an IP literal (as the URL parser or DNS gives it).
 */
export function specialAddressKind(address: string): string | undefined {
  const parsed = addressBits(address);
  if (!parsed) return 'not an IP address';
  if (parsed.bits === 128 && parsed.value >> 32n === IPV4_MAPPED_PREFIX >> 32n) {
    const v4 = parsed.value & 0xffffffffn;
    const dotted = [24n, 16n, 8n, 0n].map((shift) => String((v4 >> shift) & 0xffn)).join('.');
    const kind = specialAddressKind(dotted);
    return kind && `IPv4-mapped ${kind}`;
  }
  for (const range of RANGES) {
    if (range.bits !== parsed.bits) continue;
    const shift = BigInt(range.bits - range.prefix);
    if (parsed.value >> shift === range.base >> shift) return range.kind;
  }
  return undefined;
}
