// Monitoring: the dashboard of an incident on one server and on two, the
// QPS from two stub_status readings, bad settings refused, links, the
// lesson's checklist items, and the panel's layout at three sizes.
import { test, expect, panelFaults } from './fixtures.mjs';

async function watch(page) {
  await page.locator('#monitor-panel').scrollIntoViewIfNeeded();
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-note')).toBeVisible({ timeout: 20000 });
}

test('one server: its application stops, and the alert fires 75 s later', async ({ page }) => {
  await page.goto('./');
  await watch(page);
  const note = page.locator('#monitor-note');
  await expect(note).toContainText('The application on web-01 stopped at 3:00 and came back at 5:00');
  await expect(note).toContainText('fired at 4:15, 75 s after the incident began');
  await expect(page.locator('#monitor-alert')).toHaveAttribute('aria-label', /firing from 4:15 to 6:00/);
  // Six charts, each with a text summary; web-01 only.
  for (const id of ['monitor-qps', 'monitor-errors', 'monitor-latency', 'monitor-percentiles', 'monitor-cpu', 'monitor-busy']) {
    await expect(page.locator(`svg#${id}`)).toBeVisible();
  }
  // The first server's latency percentiles: three lines, the median below the p99.
  const lines = page.locator('svg#monitor-percentiles .line');
  await expect(lines).toHaveCount(3);
  await expect(page.locator('#monitor-lag')).toHaveCount(0);
  // The QPS from two readings of stub_status, the agent's own read left out.
  const [r1, r2] = [await page.locator('#monitor-read-1').textContent(), await page.locator('#monitor-read-2').textContent()];
  const requests = (t) => Number(t.split('\n')[2].trim().split(' ')[2]);
  const sum = await page.locator('#monitor-qps-sum').textContent();
  const qps = (requests(r2) - requests(r1) - 1) / 15;
  expect(sum).toContain(`(${requests(r2)} − ${requests(r1)} − 1) ÷ 15 s = ${qps.toFixed(1)} requests per second`);
  expect(r1).toMatch(/^Active connections: \d+ \nserver accepts handled requests\n \d+ \d+ \d+ \nReading: 0 Writing: \d+ Waiting: 0 \n$/);
  await page.locator('#monitor-panel details summary').click();
  await expect(page.locator('#monitor-rule')).toContainText('for: 1m');
});

test('two servers: the balancer takes web-01 out in 2 s; its failing health checks still page someone', async ({ page }) => {
  await page.goto('./');
  await page.locator('#monitor-panel').scrollIntoViewIfNeeded();
  await page.locator('#monitor-servers').selectOption('2');
  await watch(page);
  const note = page.locator('#monitor-note');
  await expect(note).toContainText('took web-01 out of rotation at 3:02 (2 s after it stopped)');
  await expect(note).toContainText('30 of the');
  await expect(note).toContainText('answered 60 of those checks 502');
  await expect(page.locator('#monitor-alert')).toHaveAttribute('aria-label', /firing from 4:15 to 5:15/);
  await expect(page.locator('#monitor-qps-sum')).toContainText("the balancer's health checks");
  await expect(page.locator('#monitor-lag')).toContainText('1.5 s');
  await expect(page.locator('svg#monitor-qps')).toContainText('web-02');
  // The balancer's agent: HAProxy's show stat, read while web-01 was out.
  await expect(note).toContainText("HAProxy's show stat");
  await expect(note).toContainText('chkfail 2, chkdown 1');
  const read = page.locator('#monitor-lb-read');
  await expect(read).toContainText('# pxname,svname,stot,status,chkfail,chkdown,check_status,check_code,hrsp_2xx,hrsp_5xx,req_tot');
  await expect(read).toContainText(/web,web-01,\d+,DOWN,2,1,L7STS,502,/);
  await expect(read).toContainText(/web,web-02,\d+,UP,0,0,L7OK,200,/);
  await expect(page.locator('#monitor-lb-sum')).toContainText('include the health checks');
  // Its line in the requests and the 5xx charts (their legends).
  for (const chart of ['svg#monitor-qps', 'svg#monitor-errors'])
    await expect(page.locator('figure.chart', { has: page.locator(chart) })).toContainText('lb-01 (visitors, show stat)');
});

test('bad settings are refused with a message; the form and the last dashboard stay', async ({ page }) => {
  await page.goto('./');
  await watch(page);
  await page.locator('#monitor-window').fill('10');
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-error')).toContainText('rate() needs two samples');
  await expect(page.locator('#monitor-window')).toHaveValue('10');
  await expect(page.locator('#monitor-note')).toContainText('fired at 4:15');
  await page.locator('#monitor-window').fill('120');
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-error')).toHaveCount(0);
  await expect(page.locator('#monitor-note')).toContainText('over 2m');
  await expect(page.locator('#monitor-link')).toHaveAttribute('href', '#monitor=app&servers=1&at=180&for=120&share=30&threshold=1&window=120&hold=60');
});

test('a #monitor= link opens the panel and watches at once', async ({ page }) => {
  await page.goto('./#monitor=release&servers=2&at=120&for=300&share=30&threshold=1&window=60&hold=60');
  await expect(page.locator('#monitor-note')).toContainText('A release that fails 30.0% of the pages ran from 2:00 to 7:00', { timeout: 20000 });
  await expect(page.locator('#monitor-note')).toContainText('fired at 3:15');
  await expect(page.locator('#monitor-kind')).toHaveValue('release');
  await expect(page.locator('#monitor-share')).toHaveValue('30');
  await expect(page.locator('#monitor-panel')).toBeInViewport();
  await expect(page.locator('#link-error')).toHaveCount(0);
});

test('the monitoring lesson ticks only after both dashboards', async ({ page }) => {
  await page.goto('./#lesson=15.2');
  await expect(page.locator('#lesson-title')).toContainText('Monitoring');
  const item = page.locator('#checklist li.check-item', { hasText: 'Monitoring: QPS, errors and an alert' });
  await expect(item).not.toHaveClass(/done/);
  await watch(page);
  await expect(item).not.toHaveClass(/done/);
  await page.locator('#monitor-servers').selectOption('2');
  await page.locator('#monitor-run').click();
  await expect(page.locator('#monitor-note')).toContainText('out of rotation');
  await expect(item).toHaveClass(/done/);
});

for (const [w, h] of [[1280, 800], [1024, 768], [390, 844]]) {
  test(`the dashboard at ${w}x${h}: nothing overlaps, nothing sticks out`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('./#monitor=app&servers=2');
    await expect(page.locator('#monitor-note')).toBeVisible({ timeout: 20000 });
    const panel = page.locator('#monitor-panel');
    await panel.scrollIntoViewIfNeeded();
    const box = await panel.boundingBox();
    // Nothing sticks out; the form's controls never overlap each other.
    const inside = await panelFaults(page, '#monitor-panel',
      ['svg', 'pre', 'select', 'input', 'button'],
      ['form .day-field', 'form button', 'form a']);
    expect(inside).toEqual([]);
    expect(box.width).toBeLessThanOrEqual(w);
    const scrollX = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(scrollX, 'no sideways scroll').toBeLessThanOrEqual(0);
    await panel.screenshot({ path: test.info().outputPath(`monitor-${w}.png`) });
  });
}
