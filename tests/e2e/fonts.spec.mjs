// The font faces assets/loader.js looks up while the module downloads (issue
// 15, "no start-up task over 50 ms"): they must be the page's own, and once
// they are looked up no layout of the live app asks the browser process for
// a face (tests/e2e/faces.mjs says why that matters).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { faceList, listOf } from './faces.mjs';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');

test("loader.js looks up exactly the faces of the page's text", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const listed = listOf(readFileSync(path.join(root, 'dist', 'loader.js'), 'utf8'));
  expect(listed, "dist/loader.js's list (scripts/font-faces.mjs writes it)").not.toBeNull();
  const page = await faceList(browser, baseURL);
  console.log(`the page's HTML text is drawn in ${page.length} faces; loader.js looks up ${listed.length}`);
  // A face missing is looked up in a layout again; one too many is a round
  // trip for nothing. Either way: run scripts/font-faces.mjs and rebuild.
  expect(listed, 'run `node scripts/font-faces.mjs` and rebuild').toEqual(page);
});

test("after the live app's first paint, no layout asks the browser process for a font", async ({ browser }) => {
  // A first visit (a fresh context), traced from before the navigation until
  // its first trace is shown: the stages after the mount, the first trace's
  // render.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    // A mark once the live app has replaced the static frame, and after its
    // paint, in the trace's own clock.
    new MutationObserver((_, seen) => {
      if (document.querySelector('#app:not([inert]) svg#diagram')) {
        seen.disconnect();
        requestAnimationFrame(() => setTimeout(() => performance.mark('live-painted'), 0));
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'blink.user_timing', 'fonts', 'disabled-by-default-fonts'],
  });
  await page.goto('./');
  await expect(page.locator('table#steps tr.step').first()).toBeVisible();
  await page.waitForTimeout(300);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  await context.close();

  const live = events.find((e) => e.name === 'live-painted');
  expect(live, 'the live app painted').toBeTruthy();
  // A face's round trip to the browser, and a family's (a fallback's) match.
  const lookups = events.filter(
    (e) => e.ph === 'X' && (e.name === 'WebSandboxSupportLinux::GetWebFontRenderStyleForStrike' || e.name === 'FontDataManager::onMatchFamilyStyle'),
  );
  const layouts = events.filter((e) => e.ph === 'X' && e.name === 'Layout' && e.pid === live.pid && e.tid === live.tid);
  const inLayout = (e) => layouts.some((l) => l.ts <= e.ts && e.ts + e.dur <= l.ts + l.dur);
  const before = lookups.filter((e) => e.ts < live.ts && inLayout(e));
  const after = lookups.filter((e) => e.ts >= live.ts && inLayout(e));
  const ms = (e) => `${((e.ts - live.ts) / 1000).toFixed(0)} ms after the live paint: ${e.name} (${(e.dur / 1000).toFixed(1)} ms)`;
  console.log(
    `font lookups in layouts: ${before.length} before the live app's paint (the static frame's), ${after.length} after; ` +
      `${lookups.filter((e) => !inLayout(e)).length} outside any layout (loader.js's)`,
  );
  // The trace does record them (the static frame's faces are looked up in
  // its layout): a Chromium that renamed them would pass the next line vacuously.
  expect(before.length, 'font lookups in the static frame\'s layouts').toBeGreaterThan(0);
  expect(after.map(ms), 'font lookups in layouts after the live paint').toEqual([]);
});
