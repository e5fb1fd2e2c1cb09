/**
 * The page behind the screenshot fixture: a sign-in form showing an error banner, the kind of screenshot a
 * user attaches to a bug report. Self-contained (inline CSS, no network, system fonts) so Chromium renders
 * it the same way every time on a given machine.
 */

/** Page background (body) colour, also checked in tests to prove the PNG decodes to the right pixels. */
export const LOGIN_PAGE_BACKGROUND: readonly [number, number, number] = [238, 241, 245];

export const LOGIN_PAGE_VIEWPORT = { width: 640, height: 400 } as const;

export const LOGIN_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sign in - Acme Cloud</title>
<style>
  * { box-sizing: border-box; }
  html, body { margin: 0; height: 100%; }
  body { background: rgb(${LOGIN_PAGE_BACKGROUND.join(',')}); font: 14px/1.4 "DejaVu Sans", "Liberation Sans", sans-serif;
         color: #1f2933; display: flex; align-items: center; justify-content: center; }
  main { width: 380px; background: #ffffff; border: 1px solid #d3d8de; border-radius: 8px; padding: 20px 24px; }
  h1 { font-size: 20px; margin: 0 0 12px; }
  .error { background: #fde8e8; border: 1px solid #e02424; color: #9b1c1c; border-radius: 6px;
           padding: 8px 10px; margin-bottom: 12px; font-size: 13px; }
  label { display: block; font-weight: bold; font-size: 12px; margin: 8px 0 4px; }
  input { width: 100%; padding: 6px 8px; border: 1px solid #9aa5b1; border-radius: 4px; font: inherit; }
  button { margin-top: 14px; width: 100%; padding: 8px; border: 0; border-radius: 4px; background: #1a56db;
           color: #ffffff; font: bold 14px "DejaVu Sans", sans-serif; }
  .links { margin-top: 10px; font-size: 12px; text-align: center; color: #1a56db; }
</style>
</head>
<body>
<main>
  <h1>Sign in to Acme Cloud</h1>
  <div class="error" role="alert">Login failed: the server returned error 502 (Bad Gateway).</div>
  <form onsubmit="return false">
    <label for="email">Email</label>
    <input id="email" type="email" value="dana@example.com">
    <label for="password">Password</label>
    <input id="password" type="password" value="hunter22">
    <button type="submit">Log in</button>
  </form>
  <div class="links">Forgot your password?</div>
</main>
</body>
</html>
`;
