// End-to-end tests of the release build, served from the sub-path /stackscope/.
// DOM contract: see README.md ("End-to-end tests") and src/.
import { test, expect, reachPanel, counter, lastStepRow } from './fixtures.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'results', 'screenshots');

const HOME = 'http://www.foobar.com/';
const MISSING = 'http://www.foobar.com/posts/no-such-post';
const MISTYPED = 'http://www.foobar.co/';



/** Loads the app from /stackscope/ and waits until Yew has rendered it. */
async function openApp(page) {
  const res = await page.goto('./');
  expect(res?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/stackscope/');
  await expect(page.locator('form#url-form')).toBeVisible();
  await expect(page.locator('svg#diagram')).toBeVisible();
}

async function isPlaying(page) {
  // Play always says whether it is pressed (its text holds both labels).
  return (await page.locator('button#play').getAttribute('aria-pressed')) === 'true';
}

async function pause(page) {
  if (await isPlaying(page)) {
    await page.locator('button#play').click();
  }
  await expect.poll(() => isPlaying(page)).toBe(false);
}

async function activeComponents(page) {
  return page
    .locator('svg#diagram g.component.active')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-component')));
}

/** Clicks a preset and waits for its trace; returns with playback paused at step 1. */
async function runPreset(page, url) {
  // The steps of the trace on screen, so as to wait for the new one: pausing
  // before it arrives would leave its autoplay running.
  const steps = page.locator('table#steps');
  const before = (await steps.count()) ? await steps.textContent() : '';
  await page.locator(`button.preset[data-url="${url}"]`).click();
  await expect.poll(async () => ((await steps.count()) ? steps.textContent() : '')).not.toBe(before);
  await expect(page.locator('#step-counter')).toHaveText(/\d+\s+of\s+\d+/);
  await expect(page.locator('table#steps tr.step').first()).toBeVisible();
  await pause(page);
  await page.locator('#restart').click();
  await pause(page);
  await expect.poll(async () => (await counter(page)).current).toBe(1);
}

/**
 * Steps forward from the current step to the last one with #step-forward,
 * checking the counter, the table's current row and the diagram at each step.
 * Returns, per step visited, the active components.
 */
async function stepToEnd(page) {
  const { current, total } = await counter(page);
  expect(total).toBeGreaterThan(1);
  await expect(page.locator('table#steps tr.step')).toHaveCount(total);
  const seen = [];
  for (let i = current; i <= total; i++) {
    await expect(page.locator('#step-counter')).toHaveText(new RegExp(`\\b${i}\\s+of\\s+${total}\\b`));
    const row = page.locator('table#steps tr.step[aria-current="step"]');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-index', String(i - 1));
    const rowComponent = await row.getAttribute('data-component');
    const active = await activeComponents(page);
    expect(active, `step ${i}: the row's component is highlighted`).toContain(rowComponent);
    seen.push(active);
    if (i < total) await page.locator('#step-forward').click();
  }
  await expect(page.locator('#step-forward')).toBeDisabled();
  return seen;
}

function firstAppearance(seen, component) {
  return seen.findIndex((active) => active.includes(component));
}

test('loads from /stackscope/ with all assets', async ({ page }) => {
  await openApp(page);
  for (const url of [HOME, MISSING, MISTYPED]) {
    await expect(page.locator(`button.preset[data-url="${url}"]`)).toBeVisible();
  }
  for (const c of ['Browser', 'Resolver', 'RootDns', 'TldDns', 'AuthDns', 'Internet', 'Server', 'Nginx', 'App', 'Database']) {
    await expect(page.locator(`svg#diagram g.component[data-component="${c}"]`)).toHaveCount(1);
  }
  for (const sel of ['button#play', '#step-back', '#step-forward', '#restart', 'select#speed', 'input#scrubber', '#step-counter', 'table#steps', '#inspector', '#waterfall']) {
    await expect(page.locator(sel), sel).toHaveCount(1);
  }
});

test('home page: DNS, Nginx, App and Database in order, then the blog renders', async ({ page }) => {
  await openApp(page);
  await runPreset(page, HOME);
  const seen = await stepToEnd(page);
  expect(seen.length, 'visited every step from step 1').toBe((await counter(page)).total);
  const order = ['Resolver', 'RootDns', 'TldDns', 'AuthDns', 'Nginx', 'App', 'Database'];
  const firsts = order.map((c) => firstAppearance(seen, c));
  order.forEach((c, i) => expect(firsts[i], `${c} was active at some step`).toBeGreaterThanOrEqual(0));
  for (let i = 1; i < order.length; i++) {
    expect(firsts[i], `${order[i]} first active after ${order[i - 1]}`).toBeGreaterThan(firsts[i - 1]);
  }
  await expect(page.locator('#preview-url')).toContainText('www.foobar.com');
  await expect(page.locator('#preview-status')).toContainText('200');
  const preview = page.locator('iframe#preview');
  await expect(preview).toHaveAttribute('sandbox', /.*/);
  await expect(preview).toHaveAttribute('srcdoc', /Foobar/);
  await expect(page.frameLocator('iframe#preview').locator('body')).toContainText('Foobar');
});

test('missing page ends with a 404', async ({ page }) => {
  await openApp(page);
  await runPreset(page, MISSING);
  await stepToEnd(page);
  await expect(page.locator('#preview-status')).toContainText('404');
});

test("mistyped domain ends with the browser's can't-reach page (NXDOMAIN)", async ({ page }) => {
  await openApp(page);
  await runPreset(page, MISTYPED);
  const seen = await stepToEnd(page);
  expect(firstAppearance(seen, 'Nginx'), 'no request reaches Nginx').toBe(-1);
  await expect(page.locator('#preview-status')).toContainText('NXDOMAIN');
});

test('an invalid URL shows #url-error', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('#url-error')).toBeHidden();
  await page.locator('input#url-input').fill('http://www.foo bar.com/');
  await page.locator('input#url-input').press('Enter');
  await expect(page.locator('#url-error')).toBeVisible();
  await expect(page.locator('#url-error')).not.toBeEmpty();
});

for (const vp of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 390, height: 844 },
]) {
  test(`screenshots of the main states at ${vp.width}x${vp.height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    const file = (name) => path.join(SHOTS, `${vp.name}-${vp.width}x${vp.height}-${name}.png`);
    const shot = async (name) => {
      await page.screenshot({ path: file(name), fullPage: true });
      // Headless Chromium leaves the sandboxed (out-of-process) preview iframe
      // blank in full-page shots below the fold; shoot the panel on its own too.
      if (await page.locator('iframe#preview').count()) {
        await page.locator('#preview-frame').screenshot({ path: file(`${name}-preview`) });
      }
    };
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await openApp(page);
    await shot('01-initial');

    await runPreset(page, HOME);
    const { total } = await counter(page);
    for (let i = 1; i < Math.ceil(total / 3); i++) await page.locator('#step-forward').click();
    await shot('02-home-dns');
    await stepToEnd(page);
    await expect(page.frameLocator('iframe#preview').locator('body')).toContainText('Foobar');
    await shot('03-home-end');

    await runPreset(page, MISSING);
    await stepToEnd(page);
    await expect(page.frameLocator('iframe#preview').locator('body')).not.toBeEmpty();
    await shot('04-missing-404');

    await runPreset(page, MISTYPED);
    await stepToEnd(page);
    await expect(page.frameLocator('iframe#preview').locator('body')).not.toBeEmpty();
    await shot('05-mistyped-nxdomain');

    await page.locator('input#url-input').fill('http://www.foo bar.com/');
    await page.locator('input#url-input').press('Enter');
    await expect(page.locator('#url-error')).toBeVisible();
    await shot('06-invalid-url');
  });
}

test('stop Nginx by its box: the reason badge and the browser say connection refused', async ({ page }) => {
  await openApp(page);
  await runPreset(page, HOME);
  await expect(page.locator('#reason-badge')).toBeHidden();
  const stop = page.getByRole('button', { name: 'Stop Nginx', exact: true });
  await expect(stop).toHaveAttribute('aria-pressed', 'false');
  await stop.click();
  await expect(stop).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#reason-badge')).toBeVisible();
  await expect(page.locator('#reason-badge')).toContainText('ERR_CONNECTION_REFUSED');
  // The request is replayed from step 1; at its last step the browser says why.
  await expect(page.locator('#step-counter')).toHaveText(/Step [12] of \d+/);
  await (await lastStepRow(page)).locator('button.step-go').click();
  await expect(page.locator('#preview-status')).toContainText('ERR_CONNECTION_REFUSED');
  // Keyboard: the same toggle repairs it.
  await stop.focus();
  await page.keyboard.press('Enter');
  await expect(stop).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('#reason-badge')).toBeHidden();
  await (await lastStepRow(page)).locator('button.step-go').click();
  await expect(page.locator('#preview-status')).toContainText('200');
});

test('deploys: one server loses requests, the rolling deploy loses none', async ({ page }) => {
  await openApp(page);
  // The downtime panel is the second module's: it loads when the learner nears it.
  await reachPanel(page, 'deploy-panel');
  await page.locator('#deploy-single').click();
  await expect(page.locator('#deploy-single')).toHaveClass(/current/);
  const single = (await page.locator('#deploy-summary').textContent()) ?? '';
  const failed = Number(single.match(/(\d+) of 150/)?.[1]);
  expect(failed, single).toBeGreaterThan(0);
  expect(single).toContain('502');
  await expect(page.locator('#deploy-timeline .tl-fail')).toHaveCount(failed);
  await page.locator('#deploy-rolling').click();
  await expect(page.locator('#deploy-summary')).toContainText('0 of 150 failed');
  await page.locator('#failover-db').click();
  await expect(page.locator('#deploy-note')).toContainText('/posts/hello-world');
});

test('the SPOF sweep fills the availability matrix', async ({ page }) => {
  await openApp(page);
  // The sweep is the second module's: it loads as the learner comes near.
  await page.locator('#sweep-panel').scrollIntoViewIfNeeded();
  await page.locator('#run-sweep').click();
  const matrix = page.locator('table#availability-matrix');
  await expect(matrix.locator('tbody tr')).toHaveCount(9);
  const lb = matrix.locator('tr[data-failure="Load balancer powered off"] td');
  await expect(lb.nth(0)).toContainText('—');
  await expect(lb.nth(1)).toContainText('0%');
  await expect(page.locator('#spof-sentence')).toContainText('Load balancer');
});

for (const vp of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 390, height: 844 },
]) {
  test(`screenshots of break-it states at ${vp.width}x${vp.height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    const file = (name) => path.join(SHOTS, `${vp.name}-${vp.width}x${vp.height}-${name}.png`);
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await openApp(page);
    await runPreset(page, HOME);
    await page.getByRole('button', { name: 'Stop the application server', exact: true }).click();
    await expect(page.locator('#reason-badge')).toBeVisible();
    await page.screenshot({ path: file('10-app-stopped'), fullPage: true });
    await page.locator('#restore-all').click();
    await page.locator('#topology-redundant').check();
    await expect(page.locator('svg#diagram g.component[data-component="LoadBalancer"]')).toHaveCount(1);
    await page.locator('#fault-server-power-0').click();
    await page.screenshot({ path: file('11-redundant-web01-off'), fullPage: true });
    await reachPanel(page, 'deploy-panel');
    await page.locator('#deploy-single').click();
    await expect(page.locator('#deploy-single')).toHaveClass(/current/);
    await page.locator('#deploy-panel').screenshot({ path: file('12-deploy-single') });
    await page.locator('#deploy-rolling').click();
    await expect(page.locator('#deploy-rolling')).toHaveClass(/current/);
    await page.locator('#deploy-panel').screenshot({ path: file('13-deploy-rolling') });
    await page.locator('#failover-db').click();
    await expect(page.locator('#failover-db')).toHaveClass(/current/);
    await page.locator('#deploy-panel').screenshot({ path: file('14-failover-db') });
    await page.locator('#sweep-panel').scrollIntoViewIfNeeded();
    await page.locator('#run-sweep').click();
    await expect(page.locator('table#availability-matrix')).toBeVisible();
    await page.locator('#sweep-panel').screenshot({ path: file('15-sweep') });
  });
}
