import { HostNotAllowedError } from './errors/host-not-allowed-error.js';

/** How a URL matched the allow-list: `exact` entries name the host, so they may reach private addresses. */
export type AllowListMatch = 'exact' | 'wildcard' | 'no-list';

/** The host name without a trailing dot (`localhost.` and `localhost` are the same host). */
export const bareHostname = (url: URL): string => url.hostname.toLowerCase().replace(/\.$/, '');

/**
 * Checks a URL's syntax and its host against an allow-list: entries are exact host names
 * (`example.com`), optionally with a port (`127.0.0.1:8080`), or `*.example.com` for any subdomain;
 * `undefined` allows any host (the address check in `HostPolicy` still applies). Only http and https
 * pass, and no credentials in the URL.
 */
export function matchAllowList(
  rawUrl: string | URL,
  allowHosts: readonly string[] | undefined,
): { url: URL; match: AllowListMatch } {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new HostNotAllowedError(`${JSON.stringify(String(rawUrl))} is not a valid absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HostNotAllowedError(`Scheme ${url.protocol} is not allowed: only http and https URLs.`);
  if (url.username || url.password) throw new HostNotAllowedError('URLs with credentials are not allowed.');
  if (allowHosts === undefined) return { url, match: 'no-list' };
  const host = bareHostname(url);
  const hostWithPort = url.port ? `${host}:${url.port}` : host;
  let match: AllowListMatch | undefined;
  for (const entry of allowHosts) {
    const rule = entry.toLowerCase().replace(/\.$/, '');
    if (rule.startsWith('*.')) {
      if (host.endsWith(rule.slice(1))) match ??= 'wildcard';
    } else if (rule.includes(':') && !rule.startsWith('[')) {
      if (hostWithPort === rule) match = 'exact';
    } else if (host === rule) match = 'exact';
  }
  if (!match)
    throw new HostNotAllowedError(
      `Host "${url.host}" is not on the allow-list (${allowHosts.join(', ') || 'empty'}).`,
    );
  return { url, match };
}
