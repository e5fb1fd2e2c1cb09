import type { ServedSite } from '@hearth/tools';

/**
 * The page the bug-report example inspects when no `url` is given: a sign-in form whose button
 * does nothing (its handler throws), with a visible error banner. The browser serves it itself
 * (see {@link sampleSite}), so the example runs offline with no server and no loopback exception.
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

/** The reserved host the sample site lives on: `.invalid` never resolves, so it shadows nothing. */
export const sampleSiteHost = 'sample-site.invalid';

/** The sample sign-in page's URL. */
export const sampleSiteUrl = `http://${sampleSiteHost}/login`;

/** Answers the browser's requests for {@link sampleSiteHost} from memory (give it as a browser tools `sites` entry). */
export const sampleSite: ServedSite = ({ url }) =>
  url.pathname === '/login' || url.pathname === '/' ? { body: sampleLoginPage } : undefined;
