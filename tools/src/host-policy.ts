import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { HostNotAllowedError } from './errors/host-not-allowed-error.js';
import { type AllowListMatch, bareHostname, matchAllowList } from './host-allow-list.js';
import { specialAddressKind } from './special-addresses.js';

/** Resolves a host name to every address it has (tests inject one; the default asks the system resolver). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface HostPolicyOptions {
  /**
   * Hosts that may be reached (see `matchAllowList`); undefined allows any host whose addresses are
   * all public. Only an exact entry (`intranet.local`, `127.0.0.1:8080`) reaches a loopback, private,
   * link-local or other non-public address: a wildcard entry or no list never does.
   */
  allowHosts?: readonly string[];
  resolve?: ResolveHost;
}

/** A URL that passed the policy and the addresses it was judged on: connect to these and no others. */
export interface CheckedTarget {
  url: URL;
  addresses: string[];
}

const resolveWithSystem: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * The one network policy of the tools that reach out (`http_fetch`, the browser's every request):
 * the host must be on the allow-list, and every address the host resolves to must be public unless
 * the allow-list names the host exactly. Judging the resolved addresses (not the name) catches DNS
 * names that point inside (`localhost`, `*.localhost`, a public name with a 127.0.0.1 record) and
 * every spelling of an IP (the URL parser turns `2130706433`, `0x7f.1` and `0177.0.0.1` into
 * `127.0.0.1`). Callers must connect only to the returned addresses (`pinnedLookup`), so a second,
 * different DNS answer (rebinding) cannot slip in between the check and the connection.
 */
export class HostPolicy {
  readonly allowHosts: readonly string[] | undefined;
  readonly #resolve: ResolveHost;

  constructor(options: HostPolicyOptions = {}) {
    this.allowHosts = options.allowHosts;
    this.#resolve = options.resolve ?? resolveWithSystem;
  }

  /** @throws HostNotAllowedError naming the host, the address and why it is refused. */
  async check(rawUrl: string | URL): Promise<CheckedTarget> {
    const { url, match } = matchAllowList(rawUrl, this.allowHosts);
    const addresses = await this.#addresses(url);
    if (match !== 'exact') {
      for (const address of addresses) {
        const kind = specialAddressKind(address);
        if (kind) throw new HostNotAllowedError(refusal(url, address, kind, match));
      }
    }
    return { url, addresses };
  }

  async #addresses(url: URL): Promise<string[]> {
    const host = bareHostname(url);
    const literal = host.startsWith('[') ? host.slice(1, -1) : host;
    if (isIP(literal)) return [literal];
    // Chromium answers these names itself with loopback, whatever the system resolver says.
    if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1', '::1'];
    let addresses: string[];
    try {
      addresses = await this.#resolve(host);
    } catch (error) {
      const reason = (error as { code?: string }).code ?? String(error);
      throw new HostNotAllowedError(
        `Host "${url.hostname}" could not be resolved (${reason}), so its addresses cannot be checked.`,
      );
    }
    if (addresses.length === 0)
      throw new HostNotAllowedError(`Host "${url.hostname}" resolved to no address.`);
    return addresses;
  }
}

function refusal(url: URL, address: string, kind: string, match: AllowListMatch): string {
  const resolved =
    bareHostname(url).replace(/^\[|\]$/g, '') === address ? '' : ` resolves to ${address}, which`;
  const how =
    match === 'wildcard'
      ? 'a wildcard allow-list entry only reaches public addresses; add the exact host to the allow-list to reach it'
      : 'add the exact host to the allow-list (--http-allow, or tools.http.allowHosts in hearth.config.json) to reach it';
  return `Host "${url.host}"${resolved} is a ${kind} address: refused, ${how}.`;
}

/** A `lookup` for `http.request` that answers with the checked addresses only (no second DNS query). */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    if (options.all) callback(null, entries);
    else {
      const first = entries[0];
      if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 0);
    }
  };
}
