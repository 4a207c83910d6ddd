// The balancer pair (the scaled-up design's first step): two load-balancer
// boxes, lb-01's power toggle makes the next request wait for lb-02 to take
// 8.8.8.8 over by VRRP, the sweep compares the four designs, and the two
// boxes and their toggles keep apart at 1280×800, 1024×768 and 390×844.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, stepRow, openHttpsDesign } from './fixtures.mjs';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');
const lbBox = (page, n) => page.locator(`svg#diagram g.component[data-component="LoadBalancer"][data-node="${n}"]`);

async function openPair(page) {
  await openHttpsDesign(page, 'scaled');
  await expect(page.locator('svg#diagram g.component[data-component="LoadBalancer"]')).toHaveCount(2);
}

test('lb-01 off: the request waits for lb-02 to take the address over, then lb-02 answers', async ({ page }) => {
  await openPair(page);
  await expect(lbBox(page, 0)).toHaveClass(/\bvisited\b/);
  await expect(lbBox(page, 1)).not.toHaveClass(/\bvisited\b/);
  await page.locator('#fault-lb-power').click();
  // The rerun is sent right after the power cut: its SYNs find nobody.
  const wait = stepRow(page, 'is changing hands');
  await expect(wait).toHaveCount(1);
  await expect(wait).toContainText('SYN unanswered for');
  await expect(stepRow(page, 'HTTP response')).not.toHaveCount(0);
  await expect(lbBox(page, 0)).toHaveClass(/\bdown\b/);
  await wait.first().locator('button.step-go').click();
  await expect(page.locator('#inspector')).toContainText('lb-02 takes the address over at');
  await expect(page.locator('#inspector')).toContainText('RFC 5798');
  // The adverts behind the wait, with their bytes.
  await expect(page.locator('#inspector')).toContainText('lb-01 10.0.0.2 → 224.0.0.18 VRRPv3 Advertisement, vrid 51, prio 150');
  await expect(page.locator('#inspector')).toContainText("(lb-02's first as Master, with a gratuitous ARP for 8.8.8.8); bytes 45 00 00 20");
  mkdirSync(SHOTS, { recursive: true });
  await page.locator('#inspector').screenshot({ path: path.join(SHOTS, 'pair-vrrp-adverts.png') });
  // The step's far end is lb-02: lit, and lb-01 not.
  await expect(lbBox(page, 1)).toHaveClass(/\bactive\b/);
  await expect(lbBox(page, 0)).not.toHaveClass(/\bactive\b/);
  // The next request: lb-02 holds 8.8.8.8 and answers at once.
  await page.locator('#go').click();
  await expect(stepRow(page, 'is changing hands')).toHaveCount(0);
  await stepRow(page, 'TCP SYN to 8.8.8.8:443').first().locator('button.step-go').click();
  await expect(page.locator('#inspector')).toContainText('lb-02 holds it now');
  await expect(lbBox(page, 1)).toHaveClass(/\bactive\b/);
  // Both off: nothing answers, a timeout.
  await page.locator('#fault-lb2-power').click();
  await expect(stepRow(page, 'no answer')).toHaveCount(1);
  await expect(lbBox(page, 1)).toHaveClass(/\bdown\b/);
});

test('the sweep compares four designs and the pair leaves only DNS', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('./');
  await page.locator('#play').waitFor();
  await page.locator('#sweep-panel').scrollIntoViewIfNeeded();
  await page.locator('#run-sweep').click();
  const matrix = page.locator('table#availability-matrix');
  await expect(matrix.locator('thead th')).toHaveCount(5, { timeout: 60_000 });
  await expect(matrix.locator('tbody tr')).toHaveCount(9);
  const lb = matrix.locator('tr[data-failure="Load balancer powered off"] td');
  await expect(lb.nth(0)).toContainText('—');
  await expect(lb.nth(1)).toContainText('0%');
  await expect(lb.nth(2)).toContainText('0%');
  await expect(lb.nth(3)).toContainText('100%');
  await expect(lb.nth(3)).toContainText('none lost; the slowest waited');
  const standby = matrix.locator('tr[data-failure="Standby load balancer powered off"] td');
  await expect(standby.nth(2)).toContainText('—');
  await expect(standby.nth(3)).toContainText('100%');
  await expect(page.locator('#spof-later')).toContainText('the scaled-up design (a balancer pair, split tiers): DNS records deleted.');
  await expect(page.locator('#spof-later')).toContainText('lb-02 takes 8.8.8.8 over');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(await page.evaluate(() => innerWidth));
});

for (const [width, height] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the pair's boxes and toggles keep apart at ${width}×${height}`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width, height });
    await openPair(page);
    await page.locator('#fault-lb-power').click();
    await expect(stepRow(page, 'is changing hands')).toHaveCount(1);
    await stepRow(page, 'is changing hands').locator('button.step-go').click();
    await page.locator('svg#diagram').scrollIntoViewIfNeeded();
    const found = await page.evaluate(() => {
      const rect = (el) => el.getBoundingClientRect();
      const hit = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) + 0.5 && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top) + 0.5;
      const shapes = [...document.querySelectorAll('svg#diagram g.component[data-component="LoadBalancer"] rect.shape')].map(rect);
      const words = [...document.querySelectorAll('svg#diagram g.component[data-component="LoadBalancer"] text')];
      const buttons = [...document.querySelectorAll('#fault-lb-power, #fault-lb2-power, #fault-cert-expired, #fault-cert-name, #fault-https-closed')];
      const out = [];
      if (shapes.length !== 2) out.push(`${shapes.length} balancer shapes`);
      if (shapes.length === 2 && hit(shapes[0], shapes[1])) out.push('the two boxes overlap');
      for (const b of buttons) {
        const r = rect(b);
        if (r.width === 0) out.push(`${b.id} not shown`);
        shapes.forEach((s, i) => hit(r, s) && out.push(`${b.id} covers balancer box ${i}`));
        words.forEach((w) => hit(r, rect(w)) && out.push(`${b.id} covers "${w.textContent}"`));
        for (const o of buttons) if (o !== b && hit(r, rect(o))) out.push(`${b.id} overlaps ${o.id}`);
      }
      // Every word of a balancer box inside its shape.
      for (const g of document.querySelectorAll('svg#diagram g.component[data-component="LoadBalancer"]')) {
        const s = rect(g.querySelector('rect.shape'));
        for (const t of g.querySelectorAll('text.label, text.sub')) {
          const r = rect(t);
          if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1) out.push(`"${t.textContent}" outside its box`);
        }
      }
      return out;
    });
    expect(found).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path.join(SHOTS, `pair-${width}x${height}.png`) });
  });
}
