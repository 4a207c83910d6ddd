// Containers and the deploy pipeline: a good release rolled out with both
// releases answering for a while, a release that cannot start rolled back
// by itself, the same release by hand taking the site down, links, the
// lesson's items, and the panel's layout at three sizes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, panelFaults } from './fixtures.mjs';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');

async function deploy(page, { release = 'v2', how = 'pipeline', servers = '2' } = {}) {
  await page.locator('#pipeline-panel').scrollIntoViewIfNeeded();
  await page.locator('#pipeline-release').selectOption(release);
  await page.locator('#pipeline-how').selectOption(how);
  await page.locator('#pipeline-servers').selectOption(servers);
  await page.locator('#pipeline-run').click();
  await expect(page.locator('#pipeline-note')).toBeVisible({ timeout: 20000 });
}

test('the pipeline rolls v2 out one server at a time: no failure, and v1 and v2 answer side by side', async ({ page }) => {
  await page.goto('./');
  await deploy(page);
  const note = page.locator('#pipeline-note');
  await expect(note).toContainText('5 of 5 passed');
  await expect(note).toContainText('0 of');
  await expect(note).toContainText('both v1 and v2 answered');
  await expect(page.locator('#pipeline-stages')).toContainText('Drain web-01');
  await expect(page.locator('#pipeline-stages')).toContainText('docker pull foobar/app:v2');
  await expect(page.locator('#pipeline-stages')).toContainText('web-02 passes 2 health checks in a row');
  // Both rows of the timeline hold answers.
  expect(await page.locator('#pipeline-timeline circle.tl-ok').count()).toBeGreaterThan(0);
  expect(await page.locator('#pipeline-timeline rect.pl-new').count()).toBeGreaterThan(0);
  await expect(page.locator('#pipeline-timeline path.tl-fail')).toHaveCount(0);
});

test('v3 cannot start on a server: the pipeline rolls it back and no request fails; by hand the site goes down', async ({ page }) => {
  await page.goto('./');
  await deploy(page, { release: 'v3' });
  await expect(page.locator('#pipeline-note')).toContainText('rolled it back to foobar/app:v1 and stopped');
  await expect(page.locator('#pipeline-stages tr.failed')).toContainText(['fails its health checks for 10 s']);
  await expect(page.locator('#pipeline-timeline path.tl-fail')).toHaveCount(0);
  await expect(page.locator('#pipeline-events')).not.toContainText('web-02');
  await deploy(page, { release: 'v3', how: 'hand' });
  await expect(page.locator('#pipeline-note')).toContainText('nothing rolled them back');
  expect(await page.locator('#pipeline-timeline path.tl-fail').count()).toBeGreaterThan(50);
});

test('a #pipeline= link deploys at once', async ({ page }) => {
  await page.goto('./#pipeline=v2&how=pipeline&servers=1');
  await expect(page.locator('#pipeline-note')).toContainText('the site was down for', { timeout: 20000 });
  await expect(page.locator('#pipeline-servers')).toHaveValue('1');
  await expect(page.locator('#pipeline-panel')).toBeInViewport();
  await expect(page.locator('#pipeline-link')).toHaveAttribute('href', '#pipeline=v2&how=pipeline&servers=1');
});

test('the automation lesson ticks after a skew and a rollback', async ({ page }) => {
  await page.goto('./#lesson=12.2');
  await expect(page.locator('#lesson-title')).toContainText('Containers and automated deploys');
  const item = page.locator('#checklist li.check-item', { hasText: 'Containers and automated deploys' });
  await deploy(page);
  await expect(item).not.toHaveClass(/done/);
  await deploy(page, { release: 'v3' });
  await expect(item).toHaveClass(/done/);
});

for (const [w, h] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the pipeline panel at ${w}x${h}: nothing sticks out`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('./#pipeline=v3&how=pipeline&servers=2');
    await expect(page.locator('#pipeline-note')).toBeVisible({ timeout: 20000 });
    const panel = page.locator('#pipeline-panel');
    await panel.scrollIntoViewIfNeeded();
    const bad = await panelFaults(page, '#pipeline-panel', ['svg', 'table', 'select', 'button'], []);
    expect(bad).toEqual([]);
    mkdirSync(SHOTS, { recursive: true });
    await panel.screenshot({ path: path.join(SHOTS, `pipeline-${w}x${h}.png`) });
    const scrollX = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(scrollX, 'no sideways scroll').toBeLessThanOrEqual(0);
  });
}
