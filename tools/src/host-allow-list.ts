import { HostNotAllowedError } from './errors/host-not-allowed-error.js';

/**
 * Checks a URL against a host allow-list: entries are exact host names (`example.com`), optionally
 * with a port (`127.0.0.1:8080`), or `*.example.com` for any subdomain; `undefined` allows any host.
 * Only http and https pass.
 */
export function assertUrlAllowed(rawUrl: string, allowHosts: readonly string[] | undefined): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new HostNotAllowedError(`${JSON.stringify(rawUrl)} is not a valid absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HostNotAllowedError(`Scheme ${url.protocol} is not allowed: only http and https URLs.`);
  if (url.username || url.password) throw new HostNotAllowedError('URLs with credentials are not allowed.');
  if (allowHosts === undefined) return url;
  const host = url.hostname.toLowerCase();
  const allowed = allowHosts.some((entry) => {
    const rule = entry.toLowerCase();
    if (rule.startsWith('*.')) return host.endsWith(rule.slice(1));
    if (rule.includes(':') && !rule.startsWith('[')) return url.host.toLowerCase() === rule;
    return host === rule;
  });
  if (!allowed)
    throw new HostNotAllowedError(
      `Host "${url.host}" is not on the allow-list (${allowHosts.join(', ') || 'empty'}).`,
    );
  return url;
}
