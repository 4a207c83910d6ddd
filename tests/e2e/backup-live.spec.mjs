// The running world's backups (issue 12.1): the session's clock passes the
// nightly dump, the disk fails, and the restore loses exactly what was
// written since; the form's schedule runs in the world; a link replays the
// wait; the block fits its panel at 1280×800, 1024×768 and 390×844.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, reachPanel, stepRow, returning } from './fixtures.mjs';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');

test.beforeEach(async ({ context }) => returning(context));

async function go(page, url) {
  await page.locator('input#url-input').fill(url);
  await page.locator('#go').click();
}

test('the nightly dump runs as the clock passes it; a dead disk loses what came after', async ({ page }) => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('./');
  await reachPanel(page, 'backup-panel');
  await page.locator('#backup-live').scrollIntoViewIfNeeded();
  await expect(page.locator('#live-clock')).toHaveText('10:00');
  await expect(page.locator('#live-last')).toContainText('02:00, the data as the session began');
  // A post page counts its view: unsaved until the next dump.
  await go(page, 'http://www.foobar.com/posts/hello-world');
  await expect(stepRow(page, 'HTTP response: 200').first()).toBeAttached();
  await expect(page.locator('#live-risk')).toContainText('0 console changes and 1 post view');
  await page.locator('#live-wait-dump').click();
  await expect(page.locator('#live-clock')).toHaveText('02:01 on day 2');
  await expect(page.locator('#live-last')).toContainText('02:00 on day 2');
  await expect(page.locator('#live-risk')).toContainText('0 console changes and 0 post views');
  await expect(page.locator('#live-next')).toHaveText('02:00 on day 3');
  // Two more views after the dump, an hour and a half later.
  await page.locator('#live-wait-hour').click();
  await expect(page.locator('#live-clock')).toHaveText('03:01 on day 2');
  await go(page, 'http://www.foobar.com/posts/hello-world');
  await go(page, 'http://www.foobar.com/posts/hello-world');
  await expect(page.locator('#live-risk')).toContainText('2 post views, written in the 1 h 01 min since the dump began');
  // The disk dies: the rerun times out.
  await page.locator('#live-disk').click();
  await expect(page.locator('#live-disk')).toHaveText('Replace the disk, load the last dump');
  await expect(page.locator('#live-risk')).toContainText('the disk has failed');
  await expect(page.locator('#steps')).toContainText('ERR_CONNECTION_TIMED_OUT');
  await page.locator('#live-disk').click();
  await expect(page.locator('#live-restore')).toHaveText(
    'The disk failed at 03:01 on day 2; the new one was loaded from the dump begun at 02:00 on day 2. Recovery point: 1 h 01 min. Lost: 0 console changes and 2 post views.',
  );
  await expect(page.locator('.world-note')).toContainText('Recovery point: 1 h 01 min before the disk failed');
  // The site answers again.
  await expect(stepRow(page, 'HTTP response: 200').first()).toBeAttached();
  // The link replays the waits: the clock and the dumps come back with it.
  const href = await page.locator('#share-link').getAttribute('href');
  await page.goto(`./${href}`);
  await reachPanel(page, 'backup-panel');
  await expect(page.locator('#live-clock')).toContainText('on day 2');
  await expect(page.locator('#live-restore')).toContainText('Recovery point: 1 h 01 min');
  expect(problems).toEqual([]);
});

test("the form's schedule runs in the world; one that cannot is said and changes nothing", async ({ page }) => {
  await page.goto('./');
  await reachPanel(page, 'backup-panel');
  await page.locator('#backup-live').scrollIntoViewIfNeeded();
  await expect(page.locator('#live-schedule')).toHaveCount(0);
  await page.locator('#backup-every').fill('0');
  await expect(page.locator('#live-schedule-error')).toContainText('never runs');
  await expect(page.locator('#live-schedule-now')).toHaveText('02:00, every 24 h');
  await page.locator('#backup-at').fill('00:30');
  await page.locator('#backup-every').fill('1');
  await page.locator('#live-schedule').click();
  await expect(page.locator('#live-schedule-now')).toHaveText('00:30, every 1 h');
  // The dump that ran stays the last one; the next follows the new schedule.
  await expect(page.locator('#live-last')).toContainText('02:00, the data as the session began');
  await expect(page.locator('#live-next')).toHaveText('10:30');
  await page.locator('#live-wait-dump').click();
  await expect(page.locator('#live-last')).toContainText('10:30');
  // "Restore everything" keeps the schedule: an edit, not a fault.
  await page.locator('#live-disk').click();
  await page.locator('#restore-all').click();
  await expect(page.locator('#live-schedule-now')).toHaveText('00:30, every 1 h');
  await expect(page.locator('#live-restore')).toContainText('the dump begun at 10:30');
});

for (const [width, height] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the running world's backups fit their panel at ${width}×${height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width, height });
    await page.goto('./');
    await reachPanel(page, 'backup-panel');
    await page.locator('#backup-live').scrollIntoViewIfNeeded();
    await page.locator('#backup-every').fill('12');
    await page.locator('#live-disk').click();
    await page.locator('#live-disk').click();
    await expect(page.locator('#live-restore')).toBeVisible();
    await reachPanel(page, 'backup-panel');
    await page.locator('#backup-live').scrollIntoViewIfNeeded();
    const found = await page.evaluate(() => {
      const rect = (el) => el.getBoundingClientRect();
      const hit = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) + 0.5 && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top) + 0.5;
      const panel = rect(document.querySelector('#backup-panel'));
      const items = [...document.querySelectorAll('#backup-live button, #backup-live dl > div, #backup-live p')];
      const out = [];
      for (const el of items) {
        const r = rect(el);
        if (r.width === 0) out.push(`${el.id || el.tagName} not shown`);
        if (r.left < panel.left - 0.5 || r.right > panel.right + 0.5) out.push(`${el.id || el.textContent.slice(0, 20)} leaves the panel`);
      }
      const buttons = [...document.querySelectorAll('#backup-live button')];
      for (let i = 0; i < buttons.length; i++) for (let j = i + 1; j < buttons.length; j++) if (hit(rect(buttons[i]), rect(buttons[j]))) out.push(`${buttons[i].id} overlaps ${buttons[j].id}`);
      return out;
    });
    expect(found).toEqual([]);
    await page.locator('#backup-live').screenshot({ path: path.join(SHOTS, `backup-live-${width}.png`) });
  });
}
