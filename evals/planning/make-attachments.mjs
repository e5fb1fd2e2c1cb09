// Makes the planning suite's attachments once (they are committed; run again only to change them):
//   node evals/planning/make-attachments.mjs
// code-card.png: a card with a code, screenshotted by the system Chromium (@hearth/chromium).
// voice-note.wav: an instruction spoken by espeak-ng, 16 kHz mono (@hearth/testkit's speak).
import { copyFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@hearth/chromium';
import { speak } from '@hearth/testkit';

const out = join(dirname(fileURLToPath(import.meta.url)), 'data', 'attachments');

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 480, height: 240 } });
  await page.setContent(`<!doctype html><body style="margin:0;display:grid;place-items:center;height:240px;
    background:#fff;font-family:sans-serif"><div style="border:4px solid #1d4ed8;border-radius:12px;padding:24px 40px;
    text-align:center"><div style="font-size:28px;color:#334155">Access code</div>
    <div style="font-size:64px;font-weight:700;letter-spacing:8px;color:#0f172a">4721</div></div></body>`);
  await writeFile(join(out, 'code-card.png'), await page.screenshot({ type: 'png' }));
} finally {
  await browser.close();
}
const wav = await speak('Multiply seventeen by six, and save the result in the file result dot t x t.');
await copyFile(wav, join(out, 'voice-note.wav'));
console.log(`wrote ${out}/code-card.png and voice-note.wav`);
