// The simulated server runs in a Web Worker: the page paints without it,
// says "starting the simulated server…" until it answers, and clicks made
// meanwhile are queued and run in order, not lost.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { liveLoads, returning } from './fixtures.mjs';

// A returning visitor's page: nothing is requested or played by itself at
// start (layout.spec.mjs tests the first visit).
test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

test('clicks made while the worker starts are queued, then run in order', async ({ page }) => {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  // Hold the worker's module until the clicks are made.
  let release;
  const held = new Promise((r) => (release = r));
  let requested = false;
  await page.route('**/worker_bg.wasm', async (route) => {
    requested = true;
    await held;
    await route.continue();
  });
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
  const status = page.locator('#server-status');
  await expect(status).toContainText('Starting the simulated server');
  await expect.poll(() => requested, { message: 'the worker fetched its module' }).toBe(true);
  await expect(status).not.toContainText('queued');

  await page.locator('button.preset[data-url="http://www.foobar.com/posts/hello-world"]').click();
  await expect(status).toContainText('1 click queued');
  await page.locator('input#url-input').fill('http://www.foobar.com/nope');
  await page.locator('input#url-input').press('Enter');
  await expect(status).toContainText('2 clicks queued');
  await expect(page.locator('#reason-badge')).toBeHidden();
  // The waiting state is accessible too (as a11y.spec.mjs audits the others).
  const axe = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .options({ iframes: false })
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  release();
  await expect(status).toHaveCount(0);
  // Both ran, in order: the trace on screen is the second request's (a 404).
  await expect(page.locator('input#url-input')).toHaveValue('http://www.foobar.com/nope');
  await expect(page.locator('#reason-badge')).toContainText('404');
  expect(problems).toEqual([]);
});

test('the page module has no SQL engine; the worker has it', async ({ request }) => {
  const page = await (await request.get('./stackscope_bg.wasm')).body();
  const worker = await (await request.get('./worker_bg.wasm')).body();
  expect(page.includes('sqlite_master')).toBe(false);
  expect(worker.includes('sqlite_master')).toBe(true);
  expect(page.length).toBeLessThan(worker.length);
});

test('the page module has no TLS library; the worker has it', async ({ request }) => {
  const page = await (await request.get('./stackscope_bg.wasm')).body();
  const worker = await (await request.get('./worker_bg.wasm')).body();
  // "tls13 " prefixes every HKDF label of TLS 1.3 (RFC 8446 §7.1): rustls
  // and the record reader both hold it.
  expect(page.includes('tls13 ')).toBe(false);
  expect(worker.includes('tls13 ')).toBe(true);
});

test('the page module has no serde_json; the worker writes and reads the stack\'s JSON', async ({ request }) => {
  const page = await (await request.get('./stackscope_bg.wasm')).body();
  const worker = await (await request.get('./worker_bg.wasm')).body();
  // One of serde_json's own error messages.
  expect(page.includes('EOF while parsing a value')).toBe(false);
  expect(worker.includes('EOF while parsing a value')).toBe(true);
});

test('the page module does not check edits; the worker does', async ({ request }) => {
  const page = await (await request.get('./stackscope_bg.wasm')).body();
  const worker = await (await request.get('./worker_bg.wasm')).body();
  // Two of edit::apply's messages to the learner (the zone's, the Nginx editor's).
  for (const message of ['A CNAME cannot point at itself.', 'That location cannot move up.']) {
    expect(page.includes(message), message).toBe(false);
    expect(worker.includes(message), message).toBe(true);
  }
});

test('the page module does not read firewall rules; the worker does', async ({ request }) => {
  const page = await (await request.get('./stackscope_bg.wasm')).body();
  const worker = await (await request.get('./worker_bg.wasm')).body();
  // One of the nftables reader's messages (firewall::parse): who can connect
  // and the port sweep come computed with the world (firewall::view).
  const message = 'is not a port number or a service name this simulation knows';
  expect(page.includes(message)).toBe(false);
  expect(worker.includes(message)).toBe(true);
});
