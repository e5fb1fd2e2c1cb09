import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChromiumNotFoundError } from './errors/chromium-not-found-error.js';
import { CHROMIUM_ARGS, launchChromium } from './launch-chromium.js';

/** The error a launch fails with (the test fails if it starts a browser instead). */
async function launchFailure(...args: Parameters<typeof launchChromium>): Promise<ChromiumNotFoundError> {
  const error = await launchChromium(...args).then(
    async (browser) => {
      await browser.close();
      throw new Error('Chromium started');
    },
    (thrown: unknown) => thrown,
  );
  expect(ChromiumNotFoundError.isInstance(error)).toBe(true);
  return error as ChromiumNotFoundError;
}

describe('launchChromium', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('starts the system Chromium headless with the shared flags', async () => {
    expect(CHROMIUM_ARGS).toEqual(expect.arrayContaining(['--headless', '--no-sandbox', '--disable-gpu']));
    const browser = await launchChromium();
    try {
      expect(browser.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const page = await browser.newPage();
      await page.setContent('<title>ok</title>');
      expect(await page.title()).toBe('ok');
    } finally {
      await browser.close();
    }
  });

  it('names HEARTH_CHROMIUM_PATH and how to install Chromium when the variable points at no file', async () => {
    vi.stubEnv('HEARTH_CHROMIUM_PATH', '/nonexistent/chromium-from-env');
    const error = await launchFailure();
    expect(error.code).toBe('CHROMIUM_NOT_FOUND');
    expect(error.executablePath).toBe('/nonexistent/chromium-from-env');
    expect(error.message).toContain('/nonexistent/chromium-from-env (set by HEARTH_CHROMIUM_PATH)');
    expect(error.message).toContain('scripts/install-system-deps.sh');
    expect(error.message).toContain('apt-get install -y chromium');
  });

  it('prefers an explicit executablePath to the environment, and says it was given', async () => {
    vi.stubEnv('HEARTH_CHROMIUM_PATH', '/nonexistent/chromium-from-env');
    const error = await launchFailure({ executablePath: '/nonexistent/chromium' });
    expect(error.message).toContain('/nonexistent/chromium (given as executablePath)');
    expect(error.message).toContain('HEARTH_CHROMIUM_PATH');
  });
});
