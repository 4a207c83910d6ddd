// Screenshots of the release build for a person to look at (not a test):
// the page at 1280×800, 1024×768 and 390×844, a lesson open, and presenter
// mode at 1024×768.
//
//   node tests/e2e/screens.mjs [--out /tmp/shots] [--port 4175]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM, QUIET_FLAGS, serve } from './launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const out = opt('out', '/tmp/shots');
const port = Number(opt('port', '4175'));
const root = path.join(here, '..', '..', 'dist');
const server = serve({ root, port });
await server.ready;
const url = `http://127.0.0.1:${port}/stackscope/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS });
try {
  const shots = [
    ['home', '', null],
    ['lesson-idea', '#lesson=3.1', null],
    ['lesson-task', '#lesson=3.2', async (p) => { await p.click('#lesson-back'); await p.click('#lesson-setup'); }],
    ['present', '#lesson=4.1&present', async (p) => { await p.click('#lesson-setup'); await p.waitForTimeout(3000); await p.click('#lesson-next'); }],
    ['day', '#window=03:00', async (p) => { await p.locator('#day-table').scrollIntoViewIfNeeded(); }],
    ['backup', '#backup=02:00&every=24&fail=18:00', async (p) => { await p.locator('#backup-rpo').waitFor(); }],
    ['load', '', async (p) => {
      await p.locator('#load-panel').scrollIntoViewIfNeeded();
      await p.locator('#load-autoscale').check();
      await p.locator('#load-run').click();
      await p.locator('#load-status', { hasText: 'Done' }).waitFor({ timeout: 30000 });
      await p.locator('#load-scaling summary').click();
    }],
  ];
  for (const [w, h] of [[1280, 800], [1024, 768], [390, 844]]) {
    for (const [name, hash, act] of shots) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      await ctx.addInitScript(() => window === window.top && localStorage.setItem('stackscope.visited.v1', '1'));
      const page = await ctx.newPage();
      await page.goto(url + hash);
      await page.waitForSelector('#diagram');
      await page.locator('#play').waitFor();
      if (act) await act(page);
      if (!hash || name === 'day' || name === 'backup') await page.click('#go');
      if (name === 'day') await page.locator('#day-panel').scrollIntoViewIfNeeded();
      if (name === 'backup') await page.locator('#backup-panel').evaluate((e) => e.scrollIntoView());
      await page.waitForTimeout(1500);
      if (name === 'load') await page.locator('#load-panel').screenshot({ path: `${out}/${name}-${w}x${h}.png` });
      else await page.screenshot({ path: `${out}/${name}-${w}x${h}.png` });
      await ctx.close();
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  server.child.kill();
}
