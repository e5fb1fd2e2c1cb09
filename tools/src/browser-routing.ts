import type { BrowserContext } from 'playwright-core';

/** A response a {@link ServedSite} gives; status defaults to 200, contentType to HTML. */
export interface ServedResponse {
  status?: number;
  contentType?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * A site the browser serves itself, through its own request routing: no server, no socket, no
 * address to guard. It answers a request (undefined: 404). Hosted on a reserved `.invalid` name
 * (RFC 6761), which no DNS resolves, so it can never stand in for a real host.
 */
export type ServedSite = (request: { method: string; url: URL }) => ServedResponse | undefined;

/** Throws when a served site's host is not a reserved `.invalid` name. */
export function assertServedHosts(sites: Record<string, ServedSite>): Map<string, ServedSite> {
  for (const host of Object.keys(sites))
    if (!/^([a-z0-9-]+\.)+invalid$/.test(host))
      throw new Error(
        `Served site host "${host}" must be a lower-case name under the reserved .invalid domain (e.g. "sample-site.invalid"), so it can never shadow a real host.`,
      );
  return new Map(Object.entries(sites));
}

/**
 * Answers the requests for served sites from memory (Playwright route fulfilment). Only their first
 * request is routed: a redirect a site returns is followed by Chromium through the policy proxy,
 * like any other request.
 */
export async function serveSites(context: BrowserContext, sites: Map<string, ServedSite>): Promise<void> {
  if (sites.size === 0) return;
  await context.route(
    (url) => sites.has(url.hostname),
    async (route, request) => {
      const url = new URL(request.url());
      const served = sites.get(url.hostname)?.({ method: request.method(), url });
      await route.fulfill(
        served
          ? {
              status: served.status ?? 200,
              contentType: served.contentType ?? 'text/html; charset=utf-8',
              ...(served.headers ? { headers: served.headers } : {}),
              body: served.body ?? '',
            }
          : { status: 404, contentType: 'text/plain', body: 'not found' },
      );
    },
  );
}
