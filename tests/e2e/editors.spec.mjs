// End-to-end tests of the editor panel (#editors) against the release build
// served from /stackscope/: edits show in the next trace, hostile content is
// text, the search's parameter is bound, and the stack is saved, exported,
// imported and reset. The console-error guard is in fixtures.mjs.
import { test, expect, settledReload, reachEditors } from './fixtures.mjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'results', 'screenshots');
const TMP = path.join(here, 'results', 'artifacts');

const HOME = 'http://www.foobar.com/';
const KEY = 'stackscope.scenario.v1';
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';



/** Clicks `selector`, saves the download it starts as TMP/`name`. */
async function downloadFrom(page, selector, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const file = path.join(TMP, name);
  await download.saveAs(file);
  return { file, suggested: download.suggestedFilename() };
}

/** Loads the app from /stackscope/, waits until Yew has rendered it and brings the editors in. */
async function openApp(page) {
  const res = await page.goto('./');
  expect(res?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/stackscope/');
  await expect(page.locator('form#url-form')).toBeVisible();
  await reachEditors(page);
}

/** Requests an address and jumps to its last step (the page in the preview). */
async function visit(page, url) {
  await page.locator('input#url-input').fill(url);
  await page.locator('input#url-input').press('Enter');
  await toEnd(page);
}

async function toEnd(page) {
  await expect(page.locator('#step-counter')).toHaveText(/\d+\s+of\s+\d+/);
  await page.locator('table#steps tr.step').last().click();
  await expect(page.locator('#step-forward')).toBeDisabled();
  await expect(page.locator('iframe#preview')).toHaveCount(1);
}

const preview = (page) => page.frameLocator('iframe#preview');

test('DNS: www as an A record to 203.0.113.80 shows in the next trace and the preview', async ({ page }) => {
  await openApp(page);
  await visit(page, HOME);
  await expect(preview(page).locator('body')).toContainText('Foobar');
  const zone = page.locator('#zone-editor');
  // A CNAME cannot sit beside other records: the core says so.
  await zone.locator('#zone-name').fill('www');
  await zone.locator('#zone-type').selectOption('A');
  await zone.locator('#zone-value').fill('203.0.113.80');
  await zone.locator('#zone-submit').click();
  await expect(zone.locator('#zone-error')).toBeVisible();
  await expect(zone.locator('#zone-error')).toContainText('CNAME');
  // Delete the CNAME, then add the A record.
  await zone.getByRole('button', { name: /^Delete www\.foobar\.com CNAME/ }).click();
  await expect(zone.locator('#zone-records tbody tr')).toHaveCount(1);
  await zone.locator('#zone-submit').click();
  await expect(zone.locator('#zone-error')).toHaveCount(0);
  await expect(zone.locator('#zone-records tbody tr')).toHaveCount(2);
  await expect(zone.locator('#zone-records')).toContainText('203.0.113.80');
  // The page was requested again: someone else's server answers.
  await expect(page.locator('table#steps')).toContainText('203.0.113.80');
  // It is replayed from step 1: at its end, the browser shows that server's page.
  await toEnd(page);
  await expect(preview(page).locator('body')).toContainText('Welcome to nginx');
  // Saved in this browser, in the versioned envelope.
  const saved = await page.evaluate((k) => localStorage.getItem(k), KEY);
  expect(JSON.parse(saved).version).toBe(1);
  expect(saved).toContain('203.0.113.80');
  // A reload keeps the edit.
  await settledReload(page);
  await reachEditors(page);
  await expect(page.locator('#zone-records')).toContainText('203.0.113.80');
});

test('Nginx: location = /about returning 410, shown in the config and the trace', async ({ page }) => {
  await openApp(page);
  const ng = page.locator('#nginx-editor');
  await ng.locator('#loc-modifier').selectOption('=');
  await ng.locator('#loc-pattern').fill('/about');
  await ng.locator('#loc-action').selectOption('return');
  await ng.locator('#loc-argument').fill('410 Gone for good');
  await ng.locator('#loc-submit').click();
  await expect(ng.locator('#location-error')).toHaveCount(0);
  await expect(ng.locator('#nginx-locations li')).toHaveCount(5);
  await expect(ng.locator('pre#nginx-config')).toContainText('location = /about {');
  await expect(ng.locator('pre#nginx-config')).toContainText('return 410 "Gone for good";');
  await visit(page, 'http://www.foobar.com/about');
  await expect(page.locator('#preview-status')).toContainText('410');
  // A regex that does not compile is refused with nginx's reason.
  await ng.locator('#loc-modifier').selectOption('~');
  await ng.locator('#loc-pattern').fill('(');
  await ng.locator('#loc-action').selectOption('static');
  await ng.locator('#loc-submit').click();
  await expect(ng.locator('#location-error')).toContainText('regular expression');
});

test('a hostile post body renders as text, and no script runs in the app or the frame', async ({ page }) => {
  await openApp(page);
  const data = page.locator('#data-editor');
  await data.locator('#post-slug').fill('xss');
  await data.locator('#post-title').fill('Hostile <em>post</em>');
  await data.locator('#post-body').fill(XSS);
  await data.locator('#post-submit').click();
  await expect(data.locator('#post-error')).toHaveCount(0);
  await expect(data.locator('#data-table')).toContainText(XSS);
  await expect(data.locator('#data-table script, #data-table img')).toHaveCount(0);

  await visit(page, HOME);
  await expect(preview(page).locator('body')).toContainText('Hostile <em>post</em>');
  await visit(page, 'http://www.foobar.com/posts/xss');
  await expect(page.locator('#preview-status')).toContainText('200');
  const body = preview(page).locator('body');
  await expect(body).toContainText(XSS);
  await expect(preview(page).locator('script, img')).toHaveCount(0);
  await expect(page.locator('iframe#preview')).toHaveAttribute('sandbox', '');
  const srcdoc = await page.locator('iframe#preview').getAttribute('srcdoc');
  expect(srcdoc).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
  expect(srcdoc).not.toContain('<script>');
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  const frame = page.frames().find((f) => f !== page.mainFrame());
  expect(frame, 'the preview frame').toBeTruthy();
  expect(await frame.evaluate(() => window.__xss)).toBeUndefined();
});

test("an injection attempt in /search is a bound parameter, shown in the inspector", async ({ page }) => {
  await openApp(page);
  await visit(page, "http://www.foobar.com/search?q=' OR '1'='1");
  await expect(page.locator('#preview-status')).toContainText('200');
  await expect(preview(page).locator('body')).toContainText('0 results');
  const sqlStep = page.locator('table#steps tr.step', { hasText: 'LIKE' }).first();
  const rows = page.locator('table#steps tr.step[data-component="Database"]');
  if (await sqlStep.count()) {
    await sqlStep.click();
  } else {
    // Find the database step whose query is the search.
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      await rows.nth(i).click();
      if (((await page.locator('#inspector').textContent()) ?? '').includes('LIKE')) break;
    }
  }
  const inspector = page.locator('#inspector');
  await expect(inspector).toContainText("LIKE ? ESCAPE '!'");
  await expect(inspector.locator('.params')).toContainText("'%'' OR ''1''=''1%'");
});

test('SQL console: rows, the engine error, the stop message, and writes kept', async ({ page }) => {
  await openApp(page);
  const sql = page.locator('#sql-console');
  await sql.locator('#sql-input').fill('SELECT name FROM users ORDER BY id');
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-rows tbody tr')).toHaveCount(2);
  await sql.locator('#sql-input').fill('SELEC oops');
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-error')).toContainText('syntax');
  await sql.locator('#sql-input').fill(
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n',
  );
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-error')).toContainText('Stopped');
  await sql.locator('#sql-input').fill("UPDATE settings SET value = 'Edited' WHERE key = 'site_title'");
  await sql.locator('#sql-run').click();
  await expect(sql.locator('#sql-summary')).toContainText('1 row changed');
  await visit(page, HOME);
  await expect(preview(page).locator('body')).toContainText('Edited');
});

test('export, import (good and bad files), corrupt storage and reset', async ({ page }) => {
  mkdirSync(TMP, { recursive: true });
  await openApp(page);
  await page.locator('#upstream').fill('127.0.0.1:9000');
  await page.locator('#upstream-submit').click();
  await expect(page.locator('pre#nginx-config')).toContainText('127.0.0.1:9000');

  const { file: exported, suggested } = await downloadFrom(page, '#export-scenario', 'exported-scenario.json');
  expect(suggested).toBe('stackscope-scenario.json');

  await page.locator('#reset-stack').click();
  await expect(page.locator('pre#nginx-config')).toContainText('127.0.0.1:8000');
  expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();

  const bad = path.join(TMP, 'not-a-scenario.json');
  writeFileSync(bad, '{"seed": "twelve"}');
  await page.locator('#import-scenario').setInputFiles(bad);
  await expect(page.locator('#import-error')).toContainText('not a Stackscope scenario');

  await page.locator('#import-scenario').setInputFiles(exported);
  await expect(page.locator('pre#nginx-config')).toContainText('127.0.0.1:9000');
  await expect(page.locator('#import-error')).toHaveCount(0);
  await visit(page, HOME);
  await expect(page.locator('#preview-status')).toContainText('502');

  // The server writes each export afresh, from the world as it is now: the
  // click asks for the file, and its answer is followed as a download.
  await page.locator('#upstream').fill('127.0.0.1:9001');
  await page.locator('#upstream-submit').click();
  await expect(page.locator('pre#nginx-config')).toContainText('127.0.0.1:9001');
  const { file: second } = await downloadFrom(page, '#export-scenario', 'exported-again.json');
  const text = readFileSync(second, 'utf8');
  expect(text).toContain('127.0.0.1:9001');
  expect(text).toContain('\n  "');
  expect(readFileSync(exported, 'utf8')).toContain('127.0.0.1:9000');

  // Corrupt stored data: a message, the defaults, and the old data to download.
  await page.evaluate((k) => localStorage.setItem(k, '{"version": 7, "scenario": {}}'), KEY);
  await settledReload(page);
  await reachEditors(page);
  await expect(page.locator('#storage-message')).toContainText('version 7');
  await expect(page.locator('pre#nginx-config')).toContainText('127.0.0.1:8000');
  const { file: kept } = await downloadFrom(page, '#storage-backup', 'previous-data.json');
  expect(readFileSync(kept, 'utf8')).toBe('{"version": 7, "scenario": {}}');
});

for (const vp of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 390, height: 844 },
]) {
  test(`screenshots of the editors at ${vp.width}x${vp.height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    const file = (name) => path.join(SHOTS, `${vp.name}-${vp.width}x${vp.height}-${name}.png`);
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await openApp(page);
    await page.locator('#editors').scrollIntoViewIfNeeded();
    await page.locator('#editors').screenshot({ path: file('20-editors') });

    await page.locator('#zone-name').fill('api');
    await page.locator('#zone-value').fill('1.2.3.999');
    await page.locator('#zone-submit').click();
    await expect(page.locator('#zone-error')).toBeVisible();
    await page.locator('#zone-editor').screenshot({ path: file('21-zone-error') });

    await page.locator('#post-slug').fill('xss');
    await page.locator('#post-title').fill('Hostile post');
    await page.locator('#post-body').fill(XSS);
    await page.locator('#post-submit').click();
    await visit(page, 'http://www.foobar.com/posts/xss');
    await expect(preview(page).locator('body')).toContainText('window.__xss');
    await page.locator('#preview-frame').screenshot({ path: file('22-xss-preview') });
    await page.locator('#data-editor').screenshot({ path: file('23-data-editor') });

    await page.locator('#sql-input').fill(
      'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n',
    );
    await page.locator('#sql-run').click();
    await expect(page.locator('#sql-error')).toBeVisible();
    await page.locator('#sql-console').screenshot({ path: file('24-sql-stopped') });
    await page.locator('#nginx-editor').screenshot({ path: file('25-nginx-editor') });
    await page.screenshot({ path: file('26-full-page'), fullPage: true });
  });
}
