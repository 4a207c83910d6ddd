// Deep links: "Link to this step" reproduces the world, the address and the
// step on screen; a damaged link gives a message and the defaults.
import { test, expect } from '@playwright/test';
import { liveLoads, returning } from './fixtures.mjs';

// A returning visitor's page: nothing is requested or played by itself at
// start (layout.spec.mjs tests the first visit).
test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

async function guard(page) {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

// Pauses playback. A reply that arrives after the click (an earlier
// command's trace, then the request's) may start playing again, so it
// pauses until playback stays paused.
async function pause(page) {
  await expect(page.locator('#step-counter')).toContainText(' of ');
  const play = page.locator('button#play');
  await expect(async () => {
    if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
    await expect(play).toHaveAttribute('aria-pressed', 'false', { timeout: 500 });
    await page.waitForTimeout(300);
    await expect(play).toHaveAttribute('aria-pressed', 'false', { timeout: 100 });
  }).toPass({ timeout: 10000 });
}

test('a link to step 7 of a failing request reopens exactly that', async ({ page, context }) => {
  const problems = await guard(page);
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
  await page.locator('#fault-app-stop').click();
  await page.locator('#url-input').fill('http://www.foobar.com/about');
  await page.locator('#url-input').press('Enter');
  await pause(page);
  await page.locator('#restart').click();
  for (let i = 0; i < 6; i++) await page.locator('#step-forward').click();
  const counter = await page.locator('#step-counter').textContent();
  expect(counter).toMatch(/Step 7 of/);
  const href = await page.locator('#share-link').getAttribute('href');
  expect(href).toMatch(/^#s=/);
  const url = new URL(href, page.url()).toString();
  const active = await page.locator('svg#diagram g.component.active').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-component')).sort(),
  );

  const other = await context.newPage();
  liveLoads(other);
  const otherProblems = await guard(other);
  await other.goto(url);
  await expect(other.locator('#step-counter')).toHaveText(counter ?? '');
  const activeAgain = await other.locator('svg#diagram g.component.active').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-component')).sort(),
  );
  expect(activeAgain).toEqual(active);
  // The fault came along: at the end the browser shows the 502.
  const next = other.locator('#step-forward');
  for (let i = 0; i < 60 && (await next.isEnabled()); i++) await next.click({ timeout: 2_000 });
  await expect(other.locator('#preview-status')).toContainText('502');
  expect(problems).toEqual([]);
  expect(otherProblems).toEqual([]);
});

test('a damaged or hostile link gives a short message and the defaults', async ({ page }) => {
  const problems = await guard(page);
  for (const hash of ['#s=%%%', '#s=eyJ2Ijo5OX0', `#s=${'A'.repeat(70000)}`, '#<img src=x onerror=alert(1)>']) {
    await page.goto(`./${hash}`);
    await expect(page.locator('svg#diagram')).toBeVisible();
    if (hash.startsWith('#s=')) await expect(page.locator('#link-error')).toBeVisible();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  }
  expect(problems).toEqual([]);
});
