// The strict Content-Security-Policy in index.html: the app loads and runs
// every feature without a single violation (no inline script or style).
import { test, expect } from '@playwright/test';
import { returning } from './fixtures.mjs';

// A returning visitor's page: nothing is requested or played by itself at
// start (layout.spec.mjs tests the first visit).
test.beforeEach(async ({ context }) => returning(context));

test('the app runs under its strict CSP with no violations', async ({ page }) => {
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sourceFile ?? ''}:${e.lineNumber ?? ''}`),
    );
  });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto('./');
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toContain('unsafe-inline');
  await expect(page.locator('svg#diagram')).toBeVisible();

  // A trace to its end, with the page preview (srcdoc inherits the policy).
  await page.locator('button.preset[data-url="http://www.foobar.co/"]').click();
  const play = page.locator('button#play');
  await expect(page.locator('#step-counter')).toContainText(' of ');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  const next = page.locator('#step-forward');
  for (let i = 0; i < 60 && (await next.isEnabled()); i++) await next.click({ timeout: 2_000 });
  await expect(page.locator('#preview-status')).toContainText('NXDOMAIN');
  // The redundant design with its positioned fault buttons, a fault, a deploy stream.
  await page.locator('#topology-redundant').check();
  await expect(page.locator('#fault-controls .fault-group').first()).toBeVisible();
  const left = await page.locator('#fault-controls .fault-group').first().evaluate((el) => el.style.left);
  expect(left).toMatch(/%$/);
  await page.locator('#deploy-rolling').click();
  await expect(page.locator('#deploy-summary')).toContainText('0 of 150');
  // The load panel.
  await page.locator('#load-run').click();
  await expect(page.locator('#load-summary')).not.toBeEmpty({ timeout: 30_000 });

  const violations = await page.evaluate(() => window.__csp);
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});
