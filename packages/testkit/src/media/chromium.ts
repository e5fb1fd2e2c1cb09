import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { MissingSystemToolError } from './missing-system-tool-error.js';

/** The Chromium flags every Hearth component launches with (testkit screenshots, the browser tool, evals). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The system Chromium binary: `$HEARTH_CHROMIUM_PATH`, or `/usr/bin/chromium` (Debian's `chromium`). */
export function chromiumExecutablePath(): string {
  return process.env.HEARTH_CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * Launches the system Chromium headless through playwright-core with {@link CHROMIUM_ARGS}.
 * The caller owns the browser and must `close()` it.
 * @throws MissingSystemToolError when the Chromium binary is missing or not executable.
 */
export async function launchChromium(options: { executablePath?: string } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumExecutablePath();
  try {
    await access(executablePath, constants.X_OK);
  } catch (error) {
    throw new MissingSystemToolError(
      `Chromium (${executablePath})`,
      'chromium',
      'to render pages and take screenshots; set HEARTH_CHROMIUM_PATH if it is installed elsewhere',
      { cause: error },
    );
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
