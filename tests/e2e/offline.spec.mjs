// Offline and installable: after one visit the service worker (assets/sw.js)
// has cached the build, and with the network gone the app still loads and
// traces a request; the manifest makes it installable; the strict CSP holds.
import { test, expect } from './fixtures.mjs';

test.use({ serviceWorkers: 'allow' });

test('after the first visit the app loads and runs a trace offline', async ({ page, context }) => {
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
  // The worker registers after the page has loaded and caches the build.
  const build = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const keys = await caches.keys();
    return { active: !!reg.active, keys };
  });
  expect(build.active).toBe(true);
  expect(build.keys.filter((k) => k.startsWith('stackscope-')), 'one cache, named after this build').toHaveLength(1);
  expect(build.keys[0]).toMatch(/^stackscope-[0-9a-f]{16}$/);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('svg#diagram')).toBeVisible();
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller), 'served by the worker').toBe(true);
  await page.locator('button.preset[data-url="http://www.foobar.com/posts/hello-world"]').click();
  await expect(page.locator('#step-counter')).toContainText(' of ');
  await expect(page.locator('#server-status')).toHaveCount(0);
  await expect(page.locator('table#steps')).toContainText('SQL: SELECT');
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toBe("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'");
  await context.setOffline(false);
});

test('the manifest makes it installable: a name, a start URL in scope, standalone, an icon', async ({ page, request }) => {
  await page.goto('./');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const res = await request.get(href);
  expect(res.ok()).toBe(true);
  expect(res.headers()['content-type']).toContain('manifest+json');
  const m = await res.json();
  expect(m.name).toContain('Stackscope');
  expect(m.short_name).toBe('Stackscope');
  expect(m.display).toBe('standalone');
  expect(m.start_url).toBe('./');
  const icon = await request.get(m.icons[0].src);
  expect(icon.ok()).toBe(true);
});
