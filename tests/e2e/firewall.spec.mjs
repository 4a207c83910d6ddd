// Firewalls in the secured design: the editor shows who may connect where
// and a port sweep with and without the balancer's firewall; edited rules
// change the next trace; rules that do not read say which line.
import { test, expect, openSecured, panelFaults, stepRow, reachEditors } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');

const row = stepRow;

async function secured(page) {
  await openSecured(page);
  await reachEditors(page);
  await page.locator('#firewall-editor').scrollIntoViewIfNeeded();
  await expect(page.locator('#firewall-editor')).toBeVisible();
}

const cell = (page, table, rowText, col) =>
  page.locator(`#${table} tbody tr`, { hasText: rowText }).locator('td').nth(col);

test('who may connect, and the sweep with and without the firewall', async ({ page }) => {
  await secured(page);
  // Columns: 22, 80, 443, 3306, 8000, 8080.
  await expect(cell(page, 'fw-who', 'the internet', 0)).toHaveText('filtered');
  await expect(cell(page, 'fw-who', 'the internet', 2)).toHaveText('open');
  await expect(cell(page, 'fw-who', 'the admin network', 0)).toHaveText('open');
  await expect(cell(page, 'fw-sweep', 'without', 0)).toHaveText('open');
  await expect(cell(page, 'fw-sweep', 'without', 3)).toHaveText('closed');
  await expect(cell(page, 'fw-sweep', 'with it', 0)).toHaveText('filtered');
  await expect(cell(page, 'fw-sweep', 'with it', 3)).toHaveText('filtered');
  await page.locator('#fw-host').selectOption('db-01');
  await expect(cell(page, 'fw-who', 'web-01', 3)).toHaveText('open');
  await expect(cell(page, 'fw-who', 'db-02', 3)).toHaveText('open');
  await expect(cell(page, 'fw-who', 'lb-01', 3)).toHaveText('filtered');
});

test('closing 443 on the balancer times the browser out; a bad rule names its line', async ({ page }) => {
  await secured(page);
  const rules = page.locator('#fw-rules');
  const text = await rules.inputValue();
  await rules.fill(text.replace('tcp dport { 80, 443 } accept', 'tcp dport 80 accept'));
  await page.locator('#fw-apply').click();
  await expect(page.locator('#reason-badge')).toContainText('ERR_CONNECTION_TIMED_OUT');
  await expect(cell(page, 'fw-who', 'the internet', 2)).toHaveText('filtered');
  await rules.fill(text.replace('tcp dport { 80, 443 } accept', 'tcp dport 443 allow'));
  await page.locator('#fw-apply').click();
  await expect(page.locator('#fw-error')).toContainText('line 6');
  await expect(page.locator('#fw-error')).toContainText('"allow"');
  // The world kept the last good rules.
  await expect(cell(page, 'fw-who', 'the internet', 2)).toHaveText('filtered');
  await rules.fill(text.replace('tcp dport { 80, 443 } accept', 'tcp dport { 80, 443 } reject'));
  await page.locator('#fw-apply').click();
  await expect(page.locator('#reason-badge')).toContainText('ERR_CONNECTION_REFUSED');
  await expect(row(page, 'Rejected by the firewall')).toHaveCount(1);
});

for (const [w, h] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the firewall editor at ${w}x${h}: nothing overlaps, nothing sticks out, axe finds nothing`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await secured(page);
    // The tables are wider than a phone: they scroll inside their own box.
    const bad = await panelFaults(page, '#firewall-editor',
      ['select', 'textarea', 'button', '.table-scroll', 'p'],
      ['select', 'textarea', 'button', 'label']);
    expect(bad).toEqual([]);
    const scrollX = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(scrollX, 'no sideways scroll').toBeLessThanOrEqual(0);
    const axe = await new AxeBuilder({ page })
      .include('#firewall-editor')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    mkdirSync(SHOTS, { recursive: true });
    await page.locator('#firewall-editor').screenshot({ path: path.join(SHOTS, `firewall-${w}x${h}.png`) });
  });
}
