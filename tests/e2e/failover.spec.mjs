// Active-active against active-passive: the same power failure of web-01,
// with web-02 serving too, or waiting as a standby.
import { test, expect } from '@playwright/test';
import { liveLoads, reachPanel, returning } from './fixtures.mjs';

test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

test('a standby idles, then takes over after the health checks; a serving pair loses only a share', async ({ page }) => {
  await page.goto('./');
  await reachPanel(page, 'deploy-panel');
  await page.locator('#failover-standby').click();
  const summary = page.locator('#deploy-summary');
  await expect(summary).toContainText('outage');
  const note = page.locator('#deploy-note');
  await expect(note).toContainText('Active-passive: before the failure only web-01 served; the standby idled');
  await expect(note).toContainText('the failover took 4.0 s');
  await expect(note).toContainText('a single point of failure');
  await page.locator('#failover-web').click();
  await expect(note).toContainText('Active-active: before the failure 2 of 2 servers served');
  await expect(summary).toContainText('0 of 60 failed');
  await expect(note).toContainText('none failed');
});

// The running world's switch: web-02 on standby serves nothing while web-01
// is up, and takes over once the balancer's checks find web-01 down.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');
const steps = (page) => page.locator('table#steps');

test('in the running world, a standby waits for the health checks; "Restore everything" keeps it', async ({ page }) => {
  await page.goto('./');
  await page.locator('#topology-redundant').check();
  await expect(page.locator('#web-mode-active')).toBeChecked();
  await page.locator('#web-mode-passive').click();
  await expect(page.locator('#web-mode-passive')).toBeChecked();
  await expect(page.locator('svg#diagram')).toContainText('standby');
  for (let i = 0; i < 3; i++) {
    await page.locator('#go').click();
    await expect(steps(page)).toContainText('web-01');
    await expect(steps(page)).not.toContainText('web-02');
  }
  // web-01 off: the rerun finds nobody (the standby is not asked yet).
  await page.locator('#fault-server-power-0').click();
  await expect(steps(page)).not.toContainText('HTTP response: 200');
  // Within a few requests the checks mark web-01 down and web-02 answers.
  let served = false;
  for (let i = 0; i < 8 && !served; i++) {
    await page.locator('#go').click();
    await expect(page.locator('#go')).toBeEnabled();
    served = (await steps(page).textContent()).includes('HTTP response: 200');
  }
  expect(served).toBe(true);
  await expect(steps(page)).toContainText('Load balancer picks web-02');
  await page.locator('table#steps tr.step', { hasText: 'Load balancer picks web-02' }).locator('button.step-go').click();
  await expect(page.locator('#inspector')).toContainText('standby');
  await page.locator('#restore-all').click();
  await expect(page.locator('#web-mode-passive')).toBeChecked();
  await page.locator('#web-mode-active').click();
  await expect(page.locator('#web-mode-active')).toBeChecked();
  await expect(page.locator('svg#diagram')).not.toContainText('standby');
});

for (const [width, height] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the web servers' switch keeps apart from the design switch at ${width}×${height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width, height });
    await page.goto('./');
    await page.locator('#topology-redundant').check();
    await page.locator('#web-mode-passive').click();
    await expect(page.locator('#web-mode-passive')).toBeChecked();
    await expect(page.locator('svg#diagram')).toContainText('standby');
    const found = await page.evaluate(() => {
      const rect = (el) => el.getBoundingClientRect();
      const hit = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) + 0.5 && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top) + 0.5;
      const parts = ['#topology', '#web-mode', '#fault-key', '#restore-all'].map((s) => [s, document.querySelector(s)]);
      const out = [];
      for (const [s, el] of parts) {
        if (!el || rect(el).width === 0) out.push(`${s} not shown`);
        else if (rect(el).right > document.documentElement.clientWidth + 0.5) out.push(`${s} leaves the page`);
      }
      for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
        if (parts[i][1] && parts[j][1] && hit(rect(parts[i][1]), rect(parts[j][1]))) out.push(`${parts[i][0]} overlaps ${parts[j][0]}`);
      }
      return out;
    });
    expect(found).toEqual([]);
    await page.locator('.world-bar').screenshot({ path: path.join(SHOTS, `web-mode-${width}.png`) });
    await page.locator('svg#diagram').screenshot({ path: path.join(SHOTS, `web-mode-diagram-${width}.png`) });
    // The split tiers' narrower web box names its standby too.
    await page.locator('#topology-scaled').check();
    await expect(page.locator('#web-mode-active')).toBeChecked();
    await page.locator('#web-mode-passive').click();
    // Its narrow box is dashed, with the word in its tooltip.
    const box = page.locator('svg#diagram g.component[data-component="Server"][data-node="1"] rect.server-box.standby');
    await expect(box).toHaveCount(1);
    await expect(box.locator('title')).toHaveText(/^web-02 · standby/);
    const title = await page.locator('svg#diagram text.box-title', { hasText: 'web-02' }).boundingBox();
    const b = await box.boundingBox();
    expect(title.x + title.width).toBeLessThanOrEqual(b.x + b.width);
    await page.locator('svg#diagram').screenshot({ path: path.join(SHOTS, `web-mode-scaled-${width}.png`) });
  });
}
