// Accessibility: axe-core finds no violations (WCAG 2.x A and AA rules) in
// the main states of the app: idle, mid-trace, a failure, and the load panel.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { liveLoads, reachPanel, returning } from './fixtures.mjs';

// A returning visitor's page: nothing is requested or played by itself at
// start (layout.spec.mjs tests the first visit).
test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function audit(page, state) {
  // The preview frame shows the simulated site's own HTML (sandboxed, no
  // scripts, so axe cannot run inside it and its default frame injection
  // waits forever); legacy mode with `iframes: false` audits the app around it.
  const result = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(TAGS)
    .options({ iframes: false })
    .analyze();
  const summary = result.violations.map(
    (v) => `${state}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.length} node(s): ${v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join(' | ')}`,
  );
  expect(summary, `axe violations in state "${state}"`).toEqual([]);
}

async function openApp(page) {
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
}

async function pause(page) {
  await expect(page.locator('#step-counter')).toContainText(' of ');
  const play = page.locator('button#play');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  await expect(play).toHaveAttribute('aria-pressed', 'false');
}

test('no axe violations: idle', async ({ page }) => {
  await openApp(page);
  await audit(page, 'idle');
});

test('no axe violations: mid-trace', async ({ page }) => {
  await openApp(page);
  await page.locator('button.preset[data-url="http://www.foobar.com/"]').click();
  await pause(page);
  for (let i = 0; i < 6; i++) await page.locator('#step-forward').click();
  await audit(page, 'mid-trace');
});

test('no axe violations: a failed request', async ({ page }) => {
  await openApp(page);
  await page.locator('button.preset[data-url="http://www.foobar.co/"]').click();
  await pause(page);
  const next = page.locator('#step-forward');
  for (let i = 0; i < 60 && (await next.isEnabled()); i++) await next.click({ timeout: 2_000 });
  await expect(page.locator('#preview-status')).toContainText('NXDOMAIN');
  await audit(page, 'failure');
});

test('no axe violations: load panel after a run', async ({ page }) => {
  await openApp(page);
  // The panel's module loads when the learner comes near it.
  await page.locator('#load-panel').scrollIntoViewIfNeeded();
  const run = page.locator('#load-run');
  await run.scrollIntoViewIfNeeded();
  await run.click();
  await expect(page.locator('#load-summary')).not.toBeEmpty({ timeout: 30_000 });
  await audit(page, 'load panel');
});

test('no axe violations: a day counted, and a field refused', async ({ page }) => {
  await openApp(page);
  await reachPanel(page, 'day-panel');
  await page.locator('#day-run').click();
  await expect(page.locator('#day-table')).toBeVisible();
  await audit(page, 'day counted');
  await page.locator('#day-peak').fill('-5');
  await expect(page.locator('#day-error')).toBeVisible();
  await audit(page, 'day refused');
});

test('no axe violations: the backup panel, and a schedule refused', async ({ page }) => {
  await openApp(page);
  await reachPanel(page, 'backup-panel');
  await page.locator('#backup-run').click();
  await expect(page.locator('#backup-rpo')).toBeVisible();
  await audit(page, 'backups');
  await page.locator('#backup-every').fill('0');
  await expect(page.locator('#backup-error')).toBeVisible();
  await audit(page, 'backups refused');
  await page.locator('#mistake-run').click();
  await expect(page.locator('#mistake-table')).toBeVisible();
  await audit(page, 'a mistake replicated');
  await page.locator('#mistake-sql').fill('SELECT 1');
  await page.locator('#mistake-run').click();
  await expect(page.locator('#mistake-error')).toBeVisible();
  await audit(page, 'a mistake refused');
});

test('no axe violations: the monitoring dashboard, and a rule refused', async ({ page }) => {
  await openApp(page);
  await page.locator('#monitor-panel').scrollIntoViewIfNeeded();
  await page.locator('#monitor-servers').selectOption('2');
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-note')).toBeVisible({ timeout: 20_000 });
  await page.locator('#monitor-panel details summary').click();
  await audit(page, 'monitoring');
  await page.locator('#monitor-hold').fill('20');
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-error')).toBeVisible();
  await audit(page, 'monitoring refused');
});
