import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { ChromiumNotFoundError, type ChromiumPathSource } from './errors/chromium-not-found-error.js';

/** The Chromium flags every Hearth component launches with (browser tools, testkit screenshots). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // WebRTC sends its UDP (STUN) around any proxy, to any address a page names: loopback and intranet
  // hosts included. With this policy it sends UDP only through a proxy, and ours carries none.
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

/** Debian's `chromium` package installs its binary here. */
const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface LaunchChromiumOptions {
  /** Chromium binary (default `$HEARTH_CHROMIUM_PATH`, else `/usr/bin/chromium`). */
  executablePath?: string;
}

/** The Chromium binary to start and where that choice came from. */
function resolveExecutablePath(executablePath: string | undefined): {
  path: string;
  source: ChromiumPathSource;
} {
  if (executablePath) return { path: executablePath, source: 'option' };
  const fromEnvironment = process.env.HEARTH_CHROMIUM_PATH;
  if (fromEnvironment) return { path: fromEnvironment, source: 'HEARTH_CHROMIUM_PATH' };
  return { path: DEFAULT_CHROMIUM_PATH, source: 'default' };
}

/**
 * Launches the system Chromium headless through playwright-core with {@link CHROMIUM_ARGS}.
 * The caller owns the browser and must `close()` it.
 * @throws ChromiumNotFoundError when the Chromium binary is missing or not executable.
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const { path, source } = resolveExecutablePath(options.executablePath);
  // Checked first because playwright's own error for a missing binary says nothing about how to fix it.
  try {
    await access(path, constants.X_OK);
  } catch (error) {
    throw new ChromiumNotFoundError(path, source, { cause: error });
  }
  return chromium.launch({ executablePath: path, headless: true, args: [...CHROMIUM_ARGS] });
}
