// The strict Content-Security-Policy in index.html: the app loads and runs
// every feature without a single violation (no inline script or style).
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { liveLoads, reachPanel, returning } from './fixtures.mjs';

// The project's root: index.html as written, and dist/ as built.
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');

// A returning visitor's page: nothing is requested or played by itself at
// start (layout.spec.mjs tests the first visit).
test.beforeEach(async ({ context, page }) => {
  await returning(context);
  liveLoads(page);
});

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
  await reachPanel(page, 'deploy-panel');
  await page.locator('#deploy-rolling').click();
  await expect(page.locator('#deploy-summary')).toContainText('0 of 150');
  // The load panel (its module loads when the learner comes near it).
  await page.locator('#load-panel').scrollIntoViewIfNeeded();
  await page.locator('#load-run').click();
  await expect(page.locator('#load-summary')).not.toBeEmpty({ timeout: 30_000 });

  const violations = await page.evaluate(() => window.__csp);
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});

// The release build's policy and markup are index.html's, byte for byte
// (Trunk's nonce attributes stripped by scripts/dev-csp.sh); a build served
// with live reload allows exactly Trunk's reload client, by nonce.
test('the release policy is unchanged; the dev server allows only its reload script, by nonce', async () => {
  const meta = (html) => html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/)[1];
  const source = readFileSync(path.join(root, 'index.html'), 'utf8');
  const built = readFileSync(path.join(root, 'dist', 'index.html'), 'utf8');
  expect(meta(built)).toBe(meta(source));
  expect(built).not.toContain('nonce');

  // What `trunk serve` stages: the reload client and nonce placeholders.
  const dir = mkdtempSync(path.join(tmpdir(), 'dev-csp-'));
  const placeholder = '{{__TRUNK NONCE__}}';
  const staged = source
    .replace('<link data-trunk rel="css" href="style/main.css" />', `<link rel="stylesheet" nonce="${placeholder}" href="./main.css"/>`)
    .replace('</body>', `<script nonce="${placeholder}">const address = '{{__TRUNK_ADDRESS__}}';</script></body>`);
  writeFileSync(path.join(dir, 'index.html'), staged);
  execFileSync('bash', [path.join(root, 'scripts', 'dev-csp.sh')], { env: { ...process.env, TRUNK_STAGING_DIR: dir } });
  const dev = readFileSync(path.join(dir, 'index.html'), 'utf8');
  expect(meta(dev)).toBe(meta(source).replace("script-src 'self' 'wasm-unsafe-eval'", `script-src 'self' 'wasm-unsafe-eval' 'nonce-${placeholder}'`));
  expect(meta(dev)).not.toContain('unsafe-inline');

  // Without the reload client, the same hook leaves the strict policy and strips the attributes.
  writeFileSync(path.join(dir, 'index.html'), staged.replace(/<script nonce[^]*?<\/script>/, ''));
  execFileSync('bash', [path.join(root, 'scripts', 'dev-csp.sh')], { env: { ...process.env, TRUNK_STAGING_DIR: dir } });
  const release = readFileSync(path.join(dir, 'index.html'), 'utf8');
  expect(meta(release)).toBe(meta(source));
  expect(release).not.toContain('nonce');
});

// The page loads one stylesheet (scripts/css-bundle.mjs): every style/*.css
// index.html links, in its order, under an integrity hash the browser
// checks; and the styles apply (a hash that did not match would leave the
// page unstyled).
test('one stylesheet, made of every source stylesheet in order, its hash checked', async ({ page }) => {
  const source = readFileSync(path.join(root, 'index.html'), 'utf8');
  const built = readFileSync(path.join(root, 'dist', 'index.html'), 'utf8');
  const sources = [...source.matchAll(/<link data-trunk rel="css" href="style\/([a-z_-]+\.css)"/g)].map((m) => m[1]);
  expect(sources.length).toBeGreaterThan(1);
  const links = [...built.matchAll(/<link rel="stylesheet" href="\.\/([a-z_-]+\.css)" integrity="([^"]+)"\/>/g)];
  expect(links.map((m) => m[1])).toEqual(['app.css']);
  const bundle = readFileSync(path.join(root, 'dist', 'app.css'), 'utf8');
  expect(links[0][2]).toBe(`sha384-${createHash('sha384').update(bundle).digest('base64')}`);
  let at = -1;
  for (const name of sources) {
    const own = readFileSync(path.join(root, 'style', name), 'utf8').trimEnd();
    const found = bundle.indexOf(`/* ${name} */\n${own}\n`);
    expect(found, `${name} in app.css, after the one before it`).toBeGreaterThan(at);
    at = found;
    expect(existsSync(path.join(root, 'dist', name)), `no separate ${name} in dist/`).toBe(false);
  }
  const sheets = [];
  page.on('response', (r) => r.url().endsWith('.css') && sheets.push(r.url().split('/').pop()));
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
  expect(sheets).toEqual(['app.css']);
  // Styled: the one sheet loaded (its hash matched) with all its rules.
  const styled = await page.evaluate(() => document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 100);
  expect(styled).toBe(true);
});
