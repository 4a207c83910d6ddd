// The page's second module (src/panels/, panels/): the availability sweep, the downtime panel, the
// load panel, the maintenance window, the deploy pipeline, the monitoring
// dashboard, the backups and the editors are drawn by panels_bg.wasm, imported
// when the learner comes near them (or a #monitor=, #pipeline=, #window=,
// #backup= or #mistake= link opens its panel); the first module
// relays their messages. These tests check the
// split itself; load.spec.mjs and monitor.spec.mjs test the panels.
import { test as base } from '@playwright/test';
import { test, expect, liveLoads, returning } from './fixtures.mjs';

test('the panels\' code is in the second module, not in the first', async ({ request }) => {
  const first = await (await request.get('./stackscope_bg.wasm')).body();
  const second = await (await request.get('./panels_bg.wasm')).body();
  // The four panels' titles (html! text is stored as it is written).
  for (const text of ['Single points of failure', 'Maintenance downtime', "Backups: the one server's disk fails", 'Load: where one server stops coping', 'When to deploy: a day of traffic', 'Containers and a deploy pipeline', 'Monitoring: an agent on each server, and an alert', 'Export the stack (JSON)', 'Reset to the seed stack']) {
    expect(first.includes(text), text).toBe(false);
    expect(second.includes(text), text).toBe(true);
  }
  // The second module carries no SQL engine either.
  expect(second.includes('sqlite_master')).toBe(false);
});

test('the second module is fetched on demand, once, and its panels work', async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => {
    if (/panels(_bg\.wasm|\.js)$/.test(r.url())) fetched.push(r.url().split('/').pop());
  });
  await page.goto('./');
  // The page is up and settled: the panels, far below, are not loaded yet.
  await expect(page.locator('#editors')).toBeVisible();
  await page.waitForTimeout(1000);
  expect(fetched).toEqual([]);
  await expect(page.locator('p#load-panel')).toContainText('load when you reach them');
  // Coming near them loads them.
  await page.locator('#load-panel').scrollIntoViewIfNeeded();
  await expect(page.locator('section#sweep-panel')).toBeVisible();
  await expect(page.locator('section#deploy-panel')).toBeVisible();
  await expect(page.locator('section#load-panel')).toBeVisible();
  await expect(page.locator('section#day-panel')).toBeVisible();
  await expect(page.locator('section#pipeline-panel')).toBeVisible();
  await expect(page.locator('section#monitor-panel')).toBeVisible();
  await expect(page.locator('section#backup-panel')).toBeVisible();
  expect(fetched.sort()).toEqual(['panels.js', 'panels_bg.wasm']);
  await expect(page.locator('.panels-status')).toHaveCount(0);
});

test('a lesson\'s link to the dashboard loads it and scrolls to it', async ({ page }) => {
  await page.goto('./#lesson=15.2');
  // Once the page's stages have drawn the panels' placeholder (its anchor).
  await page.locator('#monitor-panel').waitFor({ state: 'attached' });
  await page.locator('a.lesson-goto').click();
  await expect(page.locator('section#monitor-panel')).toBeVisible();
  await expect(page.locator('#monitor-run')).toBeInViewport();
});

test('an event in the second module\'s panels is theirs alone', async ({ page }) => {
  await page.goto('./');
  await page.locator('#load-panel').scrollIntoViewIfNeeded();
  await expect(page.locator('#load-capacity')).toContainText('requests/s');
  // Yew numbers each app's root in each module from 1: the second module's
  // root must not carry the first's number, or the first module's app would
  // take the panels' events for its own.
  const ids = await page.evaluate(() => ({
    first: document.getElementById('app').__yew_subtree_id,
    second: document.querySelector('.panels-root').__yew_subtree_id,
  }));
  expect(ids.first).toBeGreaterThan(0);
  expect(ids.second).toBeGreaterThan(0);
  expect(ids.second).not.toBe(ids.first);

  // A trace on screen, paused (playback would move it by itself, a step
  // every 900 ms, however long the runs below take): clicks in the panels
  // move nothing of it.
  await page.locator('#go').click();
  await expect(page.locator('#step-counter')).toContainText('Step 1 of');
  if ((await page.locator('#play').getAttribute('aria-pressed')) === 'true') await page.locator('#play').click();
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'false');
  const before = {
    counter: await page.locator('#step-counter').textContent(),
    url: await page.locator('#url-input').inputValue(),
  };
  await page.locator('#load-run').click();
  await expect(page.locator('#load-summary')).toBeVisible();
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-note')).toContainText('fired at 4:15');
  expect(await page.locator('#step-counter').textContent()).toBe(before.counter);
  expect(await page.locator('#url-input').inputValue()).toBe(before.url);
});

base('without its second module the page still works, and says what is missing', async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/panels_bg.wasm', (route) => route.abort());
  await page.goto('./');
  await page.locator('#load-panel').scrollIntoViewIfNeeded();
  const status = page.locator('.panels-status');
  await expect(status).toContainText('could not load');
  await expect(status).toHaveAttribute('role', 'alert');
  // The first module's page is untouched: a request runs and plays.
  await page.locator('#go').click();
  await expect(page.locator('#step-counter')).toContainText('Step 1 of');
  expect(errors).toEqual([]);
});

test('a page opened at a panel\'s anchor (a reload after a lesson\'s "Go to…") shows that panel, not a link error', async ({ page }) => {
  // The second module's (the editors are its last; `mistake` is the
  // backup panel's mistaken DELETE, a lesson's "Go to the backups").
  for (const id of ['sweep-panel', 'deploy-panel', 'day-panel', 'pipeline-panel', 'backup-panel', 'mistake', 'editors']) {
    await page.goto(`./#${id}`);
    // The panel itself, not the 1 px anchor that holds its place until the
    // second module is there.
    await expect(page.locator(`#${id}:not(.panels-anchor)`)).toBeInViewport({ timeout: 15_000 });
    await expect(page.locator('#link-error')).toHaveCount(0);
    // The page itself started as usual.
    await expect(page.locator('svg#diagram')).toBeVisible();
  }
});
