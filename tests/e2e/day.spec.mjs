// When to deploy: the downtime panel's deploys laid over a day of traffic.
import { test, expect } from '@playwright/test';
import { liveLoads, reachPanel, returning } from './fixtures.mjs';

test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

function guard(page) {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

// `[failed, visitors]` of a cell such as "12 (12 visitors)".
async function cell(page, row, col) {
  const text = await page.locator(`#day-table tbody tr:nth-child(${row}) td:nth-child(${col + 1})`).textContent();
  const m = text.match(/^(\d+) \((\d+) visitors\)$/);
  expect(m, text).not.toBeNull();
  return [Number(m[1]), Number(m[2])];
}

test('a deploy at 03:00 fails a fraction of what one at 20:00 fails; the rolling deploy fails none', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./');
  await reachPanel(page, 'day-panel');
  await page.locator('#day-run').click();
  await expect(page.locator('#day-table')).toBeVisible();
  await expect(page.locator('#day-table thead')).toContainText('at 03:00');
  await expect(page.locator('#day-table thead')).toContainText('at 20:00 (peak)');
  const [night, nightVisitors] = await cell(page, 1, 1);
  const [evening, eveningVisitors] = await cell(page, 1, 2);
  expect(night).toBeGreaterThan(0);
  expect(evening).toBeGreaterThan(5 * night);
  expect(nightVisitors).toBeLessThanOrEqual(night);
  expect(eveningVisitors).toBeLessThanOrEqual(evening);
  expect(await cell(page, 2, 1)).toEqual([0, 0]);
  expect(await cell(page, 2, 2)).toEqual([0, 0]);
  const note = page.locator('#day-note');
  await expect(note).toContainText(`${night} requests of ${nightVisitors} visitors fail during the 4.0 s outage`);

  // The outage is the downtime panel's own: the same deploy, the same 4.0 s.
  await page.locator('#deploy-single').click();
  await expect(page.locator('#deploy-summary')).toContainText('outage 4.0 s');

  // Typing the peak's time makes both columns the same deploy.
  await page.locator('#day-at').fill('20:00');
  await expect(page.locator('#day-table thead th:nth-child(2)')).toHaveText('at 20:00');
  expect(await cell(page, 1, 1)).toEqual([evening, eveningVisitors]);

  // Clicking an hour's bar picks it.
  await page.locator('#day-chart rect.day-bar').nth(12).click();
  await expect(page.locator('#day-at')).toHaveValue('12:00');
  await expect(page.locator('#day-chart rect.day-bar.chosen')).toHaveCount(1);
  const [noon] = await cell(page, 1, 1);
  expect(noon).toBeGreaterThan(night);
  expect(noon).toBeLessThan(evening);
  expect(problems).toEqual([]);
});

test('a day that cannot be counted says why and keeps the other settings', async ({ page }) => {
  await page.goto('./');
  await reachPanel(page, 'day-panel');
  await page.locator('#day-run').click();
  await expect(page.locator('#day-table')).toBeVisible();
  await page.locator('#day-trough').fill('3');
  await page.locator('#day-peak').fill('-5');
  await expect(page.locator('#day-error')).toContainText('the peak must be a positive number of requests per second');
  await expect(page.locator('#day-trough')).toHaveValue('3');
  await expect(page.locator('#day-at')).toHaveValue('03:00');
  await page.locator('#day-at').fill('25:00');
  await expect(page.locator('#day-peak')).toHaveValue('-5');
  await page.locator('#day-peak').fill('60');
  await expect(page.locator('#day-error')).toContainText('the deploy\'s time: “25:00” is not a time of day like 03:00');
  await page.locator('#day-at').fill('03:00');
  await expect(page.locator('#day-error')).toHaveCount(0);
  await expect(page.locator('#day-note')).toContainText('the peak (60 requests/s)');
  // The link carries what is typed.
  await expect(page.locator('#day-link')).toHaveAttribute('href', '#window=03:00&peak=60&peak-at=20:00&trough=3&trough-at=04:00');
});

test('a #window= link opens the day with its settings, counted', async ({ page }) => {
  const problems = guard(page);
  await page.goto('./#window=21:30&peak=100&trough=5');
  await expect(page.locator('#day-table')).toBeVisible();
  await expect(page.locator('#day-at')).toHaveValue('21:30');
  await expect(page.locator('#day-peak')).toHaveValue('100');
  await expect(page.locator('#day-table thead th:nth-child(2)')).toHaveText('at 21:30');
  await expect(page.locator('#day-note')).toContainText('the peak (100 requests/s)');
  // Not a session link: nothing says it could not be opened.
  await expect(page.locator('#link-error')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('the form fits a phone: fields in view and apart', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await reachPanel(page, 'day-panel');
  await page.locator('#day-run').click();
  await expect(page.locator('#day-table')).toBeVisible();
  const boxes = [];
  for (const id of ['#day-at', '#day-peak', '#day-peak-at', '#day-trough', '#day-trough-at', '#day-link']) {
    const b = await page.locator(id).boundingBox();
    expect(b, id).not.toBeNull();
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
    expect(b.height).toBeGreaterThanOrEqual(24);
    boxes.push([id, b]);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i];
      const [b, q] = boxes[j];
      const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
      expect(apart, `${a} overlaps ${b}`).toBe(true);
    }
  }
  const table = await page.locator('#day-table').boundingBox();
  expect(table.x + table.width).toBeLessThanOrEqual(390);
});
