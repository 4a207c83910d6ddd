// With scrollbars that take room, as on Windows and most Linux desktops
// (headless Chromium hides them unless told not to, so the other specs
// never see them): the page has its vertical scrollbar from its first
// frame (`overflow-y: scroll` on the root), so growing past the window at a
// later stage moves nothing (it narrowed the page by the scrollbar: a
// layout shift of 0.004 at 1350x940, Lighthouse's desktop size).
import { test, expect, recordLayoutShifts, counter } from './fixtures.mjs';
import { CHROMIUM, QUIET_FLAGS } from './launch.mjs';

test.use({
  launchOptions: { executablePath: CHROMIUM, args: QUIET_FLAGS, ignoreDefaultArgs: ['--hide-scrollbars'] },
  firstVisit: true,
  viewport: { width: 1350, height: 940 },
});

test('a first visit at 1350x940 grows past the window and plays by itself without moving what is on screen', async ({ page }) => {
  const shifts = await recordLayoutShifts(page);
  await page.goto('./');
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await counter(page)).current, { timeout: 15_000 }).toBeGreaterThan(3);
  // The scrollbar takes room here, and the page is taller than the window:
  // without both this test could not fail.
  const room = await page.evaluate(() => ({
    scrollbar: window.innerWidth - document.documentElement.clientWidth,
    overflow: document.documentElement.scrollHeight - window.innerHeight,
  }));
  expect(room.scrollbar).toBeGreaterThan(0);
  expect(room.overflow).toBeGreaterThan(0);
  expect(await shifts()).toEqual([]);
});
