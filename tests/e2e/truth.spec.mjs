// What issue 11 made true on screen: compressed DNS names shown as
// pointers, the operating system's SYN schedule, the console saying it
// runs SQLite, nginx's config saying which http { } it sits in, and
// DevTools' phases in the waterfall. Screenshots at three sizes.
import { test, expect, reachEditors } from './fixtures.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'results', 'screenshots');

async function open(page) {
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
}

/** Runs an address and leaves playback paused, stepping to the row whose title matches. */
async function runTo(page, url, title) {
  await page.locator('#url-input').fill(url);
  await page.locator('#url-input').press('Enter');
  await expect(page.locator('table#steps tr.step').first()).toBeVisible();
  const play = page.locator('button#play');
  await expect(async () => {
    if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
    await expect(play).toHaveAttribute('aria-pressed', 'false', { timeout: 500 });
  }).toPass({ timeout: 10000 });
  const row = page.locator('table#steps tr.step', { hasText: title }).first();
  await row.click();
  return row;
}

test('a compressed DNS name reads as a pointer in the byte view', async ({ page }) => {
  await open(page);
  await runTo(page, 'http://www.foobar.com/', 'Answer from the foobar.com name server');
  const inspector = page.locator('#inspector');
  await expect(inspector.locator('.legend-table')).toContainText('pointer to offset 12');
  // The pointer's two bytes are marked, and they are c0 0c.
  const ptr = inspector.locator('.byte.ptr');
  expect(await ptr.count()).toBeGreaterThanOrEqual(2);
  await expect(ptr.first()).toHaveText('c0');
});

test('a powered-off server: the operating system resends the SYN, then gives up', async ({ page }) => {
  await open(page);
  await page.locator('#fault-server-power').click();
  await runTo(page, 'http://www.foobar.com/', 'no answer');
  const inspector = page.locator('#inspector');
  await expect(inspector).toContainText('Linux 6.x');
  await expect(inspector).toContainText('131 s');
  await expect(inspector).not.toContainText('browser resends');
});

test('the SQL console says it runs SQLite, and marks what MySQL would not take', async ({ page }) => {
  await open(page);
  await reachEditors(page);
  const sql = page.locator('#sql-console');
  await sql.scrollIntoViewIfNeeded();
  await expect(sql).toContainText('SQLite');
  await sql.locator('#sql-input').fill('PRAGMA table_info(posts)');
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-dialect')).toBeVisible();
  await sql.locator('#sql-input').fill('SELECT name FROM users ORDER BY id');
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-rows tbody tr')).toHaveCount(2);
  await expect(sql.locator('#sql-dialect')).toHaveCount(0);
});

test("nginx's config says which http block it sits in; the waterfall's request-sent is the write", async ({ page }) => {
  await open(page);
  await runTo(page, 'http://www.foobar.com/', 'Nginx picks');
  await expect(page.locator('#inspector')).toContainText("In the http { } block of Debian 12's stock nginx.conf");
  await expect(page.locator('#waterfall')).toContainText('Request sent');
  const steps = page.locator('table#steps');
  await expect(steps).toContainText('Write the request');
});

for (const [w, h] of [
  [1280, 800],
  [1024, 768],
  [390, 844],
]) {
  test(`screenshots of the DNS byte view and the SYN schedule at ${w}x${h}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width: w, height: h });
    await open(page);
    await runTo(page, 'http://www.foobar.com/', 'Answer from the foobar.com name server');
    const inspector = page.locator('#inspector');
    await inspector.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `truth-dns-${w}x${h}.png`) });
    await page.locator('#fault-server-power').click();
    await runTo(page, 'http://www.foobar.com/', 'no answer');
    await inspector.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `truth-syn-${w}x${h}.png`) });
  });
}
