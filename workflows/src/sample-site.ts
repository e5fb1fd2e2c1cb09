import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The page the bug-report example inspects when no `url` is given: a sign-in form whose button
 * does nothing (its handler throws), with a visible error banner. Served on 127.0.0.1 so the example
 * runs offline.
 */
export const sampleLoginPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Acme</title>
<style>body{font-family:sans-serif;margin:40px}form{max-width:320px}label,input,button{display:block;width:100%;margin:6px 0}
[role=alert]{background:#fdd;border:1px solid #c00;padding:8px;margin-bottom:12px}</style></head>
<body><h1>Sign in</h1>
<div role="alert">Something went wrong. Please try again later.</div>
<form onsubmit="event.preventDefault(); submitLogin();">
<label>Email <input name="email" type="email" value="ada@example.com"></label>
<label>Password <input name="password" type="password" value="hunter2"></label>
<button type="submit">Log in</button></form>
<script>function submitLogin(){ throw new Error('auth client not initialised'); }</script>
</body></html>`;

let server: Promise<{ server: Server; url: string }> | undefined;

/** Starts (once per process) the loopback server for the sample page and returns its URL. */
export async function sampleSiteUrl(): Promise<string> {
  server ??= new Promise((resolve, reject) => {
    const http = createServer((request, response) => {
      if (request.url === '/login' || request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(sampleLoginPage);
      } else {
        response.writeHead(404).end('not found');
      }
    });
    http.on('error', reject);
    http.listen(0, '127.0.0.1', () => {
      // The server must not keep a finished run's process alive.
      http.unref();
      resolve({ server: http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/login` });
    });
  });
  return (await server).url;
}
