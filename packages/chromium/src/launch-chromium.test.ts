import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, launchChromium } from './chromium.js';
import { MissingSystemToolError } from './missing-system-tool-error.js';

describe('launchChromium', () => {
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

  it('says which package to install when the binary is missing', async () => {
    const error = await launchChromium({ executablePath: '/nonexistent/chromium' }).catch((e: unknown) => e);
    expect(MissingSystemToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('/nonexistent/chromium');
    expect((error as Error).message).toContain('apt-get install -y chromium');
    expect((error as Error).message).toContain('HEARTH_CHROMIUM_PATH');
  });
});
