// The split tiers (the scaled-up design): web-01 and web-02 run Nginx
// only, app-01 and app-02 the application. app-01's power toggle makes
// Nginx fail over to app-02 within the request (proxy_next_upstream), the
// lit box follows the machine that answered, and the four machine boxes
// and their toggles keep apart at 1280×800, 1024×768 and 390×844.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, stepRow, openHttpsDesign, reachEditors } from './fixtures.mjs';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');
const appBox = (page, n) => page.locator(`svg#diagram g.component[data-component="App"][data-node="${n}"]`);

test('app-01 off: Nginx waits for ARP, then app-02 answers the same request', async ({ page }) => {
  await openHttpsDesign(page, 'scaled');
  await expect(page.locator('svg#diagram rect.app-box')).toHaveCount(2);
  await expect(page.locator('svg#diagram')).toContainText('app-01');
  // The first request: web-01's Nginx takes app-01, whose turn it is.
  await expect(stepRow(page, 'Proxy to app-01')).toHaveCount(1);
  await reachEditors(page);
  await page.locator('#nginx-config').first().waitFor({ state: 'attached' });
  await expect(page.locator('#nginx-config')).toContainText('upstream app_servers {');
  await page.locator('#fault-app-power-0').click();
  await expect(appBox(page, 0)).toHaveClass(/\bdown\b/);
  // The rerun goes through web-02, whose Nginx takes app-01 first: no
  // route to a machine that is off, then the next server.
  const failed = stepRow(page, 'app-01 does not take the connection');
  await expect(failed).toHaveCount(1);
  await expect(stepRow(page, 'Proxy to app-02')).toHaveCount(1);
  await expect(stepRow(page, 'HTTP response: 200')).toHaveCount(1);
  await failed.locator('button.step-go').click();
  await expect(page.locator('#inspector')).toContainText('No route to host');
  await expect(page.locator('#inspector')).toContainText('fail_timeout=10s');
  await stepRow(page, 'Proxy to app-02').locator('button.step-go').click();
  await expect(appBox(page, 1)).toHaveClass(/\bactive\b/);
  await expect(appBox(page, 0)).not.toHaveClass(/\bactive\b/);
});

for (const [width, height] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the split tiers' boxes and toggles keep apart at ${width}×${height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width, height });
    await openHttpsDesign(page, 'scaled');
    await page.locator('#fault-app-power-0').click();
    await expect(stepRow(page, 'Proxy to app-02')).toHaveCount(1);
    await stepRow(page, 'Proxy to app-02').locator('button.step-go').click();
    await page.locator('svg#diagram').scrollIntoViewIfNeeded();
    const found = await page.evaluate(() => {
      const rect = (el) => el.getBoundingClientRect();
      const hit = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) + 0.5 && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top) + 0.5;
      const machines = [...document.querySelectorAll('svg#diagram g.component[data-component="Server"] rect.server-box')].map(rect);
      const inner = [...document.querySelectorAll('svg#diagram g.component[data-component="Nginx"] rect.shape, svg#diagram g.component[data-component="App"] rect.shape')].map(rect);
      const words = [...document.querySelectorAll('svg#diagram g.component[data-component="Server"] text, svg#diagram g.component[data-component="Nginx"] text, svg#diagram g.component[data-component="App"] text')];
      const groups = ['Server', 'Nginx', 'App'].flatMap((c) => [...document.querySelectorAll(`#fault-controls .fault-group[data-component="${c}"]`)]);
      const buttons = groups.flatMap((g) => [...g.querySelectorAll('button.fault')]);
      const out = [];
      if (machines.length !== 4) out.push(`${machines.length} machine boxes`);
      for (let i = 0; i < machines.length; i++) for (let j = i + 1; j < machines.length; j++) if (hit(machines[i], machines[j])) out.push(`machines ${i} and ${j} overlap`);
      for (const b of buttons) {
        const r = rect(b);
        if (r.width === 0) out.push(`${b.id} not shown`);
        inner.forEach((s, i) => hit(r, s) && out.push(`${b.id} covers process box ${i}`));
        words.forEach((w) => hit(r, rect(w)) && out.push(`${b.id} covers "${w.textContent}"`));
        for (const o of buttons) if (o !== b && hit(r, rect(o))) out.push(`${b.id} overlaps ${o.id}`);
      }
      return out;
    });
    expect(found).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path.join(SHOTS, `split-${width}x${height}.png`) });
  });
}
