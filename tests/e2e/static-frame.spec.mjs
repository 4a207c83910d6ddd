// index.html's static first frame: the app's own first frame as plain HTML,
// painted before the WebAssembly module arrives (issue 15, "a static first
// frame"). It must be exactly what the app then renders (or the swap would
// show), inert while it stands, and absent when a link opens another world.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { FIRST_FRAME, SEAM, SEAMS_BEFORE } from './frame.mjs';
import { pageFaces } from './faces.mjs';
import { returning } from './fixtures.mjs';

/** Waits until app.css applies: a script (Playwright's, here) can lay the
 *  page out before a render-blocking stylesheet has arrived, and boxes
 *  measured then are the unstyled page's. */
const styled = (page) =>
  page.waitForFunction(() => getComputedStyle(document.body).fontFamily.includes('system-ui'));

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'screenshots');

const hold = async (page) => {
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  await page.route('**/stackscope_bg.wasm', async (route) => {
    await gate;
    await route.continue();
  });
  return release;
};

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`the static frame is the app's first frame (${viewport.width}×${viewport.height})`, async ({ browser }) => {
    // A first visit: a fresh context, nothing stored.
    const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript({ content: FIRST_FRAME });
    await page.goto('./');
    const live = await page.evaluate(() => window.__firstFrame);
    const frozen = await page.evaluate(() => window.__staticFrame);
    expect(frozen.length, 'index.html has a static frame').toBeGreaterThan(1000);
    expect(frozen).toContain('<svg id="diagram"');
    expect(frozen, 'run scripts/static-frame.mjs on a fresh release build, then rebuild').toBe(live);
    expect(errors).toEqual([]);
    await context.close();
  });
}

test('the static frame paints before the module, inert, and the app takes its place without a shift', async ({ browser }) => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1024, height: 768 },
    { width: 390, height: 844 },
    { width: 360, height: 740 },
  ]) {
    const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
    // A returning visitor's: no first request plays by itself and rewrites
    // the intro above the diagram while the boxes are compared.
    await returning(context);
    const page = await context.newPage();
    const release = await hold(page);
    await page.goto('./', { waitUntil: 'commit' });
    const diagram = page.locator('svg#diagram');
    await expect(diagram).toBeVisible();
    await expect(page.locator('#app')).toHaveAttribute('inert', '');
    await expect(page.locator('#server-status')).toContainText('Starting the simulated server');
    await styled(page);
    // Nothing in it takes focus (a click or a key would be lost).
    const focused = await page.evaluate(() => {
      document.getElementById('url-input').focus();
      return document.activeElement?.id ?? '';
    });
    expect(focused).not.toBe('url-input');
    // The status lies beside the title's words and above the intro.
    const boxes = await page.evaluate(() => {
      const words = document.createRange();
      words.selectNodeContents(document.getElementById('diagram-title'));
      return {
        status: document.getElementById('server-status').getBoundingClientRect().toJSON(),
        title: words.getBoundingClientRect().toJSON(),
        intro: document.querySelector('#intro > span').getBoundingClientRect().toJSON(),
        overflow: document.getElementById('server-status').scrollWidth - document.getElementById('server-status').clientWidth,
      };
    });
    expect(boxes.status.left, 'the status starts after the title').toBeGreaterThan(boxes.title.right);
    expect(boxes.status.bottom, 'the status ends above the intro').toBeLessThanOrEqual(boxes.intro.top);
    expect(boxes.status.right).toBeLessThanOrEqual(viewport.width);
    expect(boxes.overflow).toBe(0);
    // The playback row: one line of buttons, each word on one line, all in view.
    const row = await page.evaluate(() =>
      [...document.querySelectorAll('.controls .buttons > button, .controls .buttons > label')].map((el) => {
        const r = el.getBoundingClientRect();
        return { id: el.id || el.className, button: el.tagName === 'BUTTON', top: r.top, height: r.height, right: r.right };
      }),
    );
    const play = row.find((b) => b.id === 'play');
    for (const b of row) {
      expect(b.right, `${b.id} in view`).toBeLessThanOrEqual(viewport.width);
      expect(Math.abs(b.top + b.height / 2 - (play.top + play.height / 2)), `${b.id} on the row's line`).toBeLessThan(2);
      if (b.button) expect(b.height, `${b.id}'s words on one line`).toBeLessThanOrEqual(play.height + 1);
    }
    await page.screenshot({ path: path.join(SHOTS, `static-frame-${viewport.width}x${viewport.height}.png`) });
    const before = await diagram.boundingBox();
    const go = await page.locator('#go').boundingBox();
    release();
    await expect(page.locator('#app')).not.toHaveAttribute('inert', '');
    await expect(page.locator('#app main#main')).toHaveCount(1);
    // The live frame lies where the static one was.
    expect(await diagram.boundingBox()).toEqual(before);
    expect(await page.locator('#go').boundingBox()).toEqual(go);
    await context.close();
  }
});

test('the static frame is laid out in three tasks: the parser stops at its seams, before the columns and before the diagram', async ({ browser }) => {
  // In one task that first layout ran 25-65 ms in traced cold loads, a long
  // task (over 50 ms) in 1 to 3 loads of 15. One seam, before the diagram,
  // cut it in two (13-22 ms each), but the first part, the address bar and
  // the controls, still made a long task in 2 of 90 probed cold loads (its
  // layout up to 94 ms); a second seam, before the columns, cuts that part
  // in two (assets/frame-seam.js): 0 of 90.
  // Chromium's trace says how many layout objects each layout had and how
  // many of them it laid out (dirty).
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const release = await hold(page); // no module: the static frame alone is laid out
  const html = await (await page.request.get('./')).text();
  expect(html.split(SEAM).length - 1, 'two seams in the page').toBe(2);
  for (const before of SEAMS_BEFORE) expect(html, `a seam stands just before ${before}`).toContain(SEAM + before);
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  await page.goto('./');
  await expect(page.locator('#app[inert] svg#diagram')).toBeVisible();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const layouts = events
    .filter((e) => e.name === 'Layout' && e.ph === 'X' && e.args?.beginData)
    .sort((a, b) => a.ts - b.ts)
    .map((e) => ({ frame: e.args.beginData.frame, total: e.args.beginData.totalObjects, dirty: e.args.beginData.dirtyObjects }));
  // The page's frame is the one with the most layout objects.
  const top = layouts.reduce((a, b) => (b.total > a.total ? b : a));
  const mine = layouts.filter((l) => l.frame === top.frame);
  const whole = mine.findIndex((l) => l.total === top.total);
  const report = mine.map((l) => `${l.dirty}/${l.total}`).join(', ');
  console.log(`the static frame's layouts (dirty/total objects): ${report}`);
  // Before the whole frame's layout, two of its parts: the address bar
  // (about a quarter of the objects), then that and the controls (about half).
  const parts = mine.slice(0, whole).filter((l) => l.total >= top.total * 0.15);
  expect(parts.length, `two layouts of the frame's first parts, before the diagram is parsed (${report})`).toBeGreaterThanOrEqual(2);
  expect(parts[0].total, `the first part is the smaller (${report})`).toBeLessThan(parts[parts.length - 1].total);
  // Each of the three lays out only what is new since the one before.
  for (const l of [...parts, mine[whole]]) {
    expect(l.dirty, `no layout of the three lays out most of the frame (${report})`).toBeLessThan(top.total * 0.6);
  }
  // Nothing is painted between the three (loader.js is render-blocking, and
  // runs once the page is parsed): a paint of the first part alone would be
  // a frame ahead of the diagram's (in the test command's runs it put the
  // diagram's first paint at 1.43x the counter's, against 1.20x).
  const frameEvents = events
    .filter((e) => e.ph === 'X' && (e.name === 'Paint' || e.name === 'Layout') && (e.args?.data?.frame ?? e.args?.beginData?.frame) === top.frame)
    .sort((a, b) => a.ts - b.ts);
  // (A paint before the first layout is the empty page's, before the parser.)
  const firstLayout = frameEvents.findIndex((e) => e.name === 'Layout');
  const firstPaint = frameEvents.findIndex((e, i) => i > firstLayout && e.name === 'Paint');
  const wholeLayout = frameEvents.findIndex((e) => e.name === 'Layout' && e.args?.beginData?.totalObjects === top.total);
  console.log(`the static frame's layouts and paints: ${frameEvents.map((e) => e.name).join(', ')}`);
  expect(firstPaint, 'a paint of the frame after its layouts').toBeGreaterThanOrEqual(0);
  expect(firstPaint, 'the frame is first painted after its whole layout, never its first part alone').toBeGreaterThan(wholeLayout);
  release();
  await context.close();
});

test('a link opens on the shell alone, never on the static frame', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const release = await hold(page);
  await page.goto('./#lesson=1.1', { waitUntil: 'commit' });
  await expect(page.locator('header.site-header')).toBeVisible();
  // loader.js has run (it imports the glue, which is not held) and emptied #app.
  await expect(page.locator('#app > *')).toHaveCount(0);
  await expect(page.locator('#app')).toHaveAttribute('inert', '');
  release();
  await expect(page.locator('#app main#main')).toHaveCount(1);
  await context.close();
});

test('a module that cannot run leaves a message, not a frame that looks as if it were starting', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.route('**/stackscope_bg.wasm', (route) => route.abort());
  await page.goto('./', { waitUntil: 'commit' });
  const alert = page.locator('#app > p.init-error[role="alert"]');
  await expect(alert).toContainText('Stackscope could not start');
  await expect(page.locator('#app')).not.toHaveAttribute('inert', '');
  await expect(page.locator('#app svg#diagram')).toHaveCount(0);
  await context.close();
});

/** The font faces (family, size, weight, style) the page's visible text is drawn in, each with an example. */
const facesOf = async (page) => (await page.evaluate(pageFaces)).map((f) => `${f.key} (${f.example})`);

test('the static frame draws its text in at most 8 font faces, in one family', async ({ browser }) => {
  // A cold renderer looks up each face (family, size, weight, style) and
  // asks the browser how to render it before the first layout: traces of
  // 15 faces showed that layout at 29-66 ms, of 9 at 15-36 ms (style/main.css).
  // A family is one more lookup: the address's value is in the page's type.
  // SVG text is set at its drawn (scaled) size: the diagram's faces are its own.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const release = await hold(page);
  await page.goto('./');
  await expect(page.locator('#app[inert] svg#diagram')).toBeVisible();
  await styled(page);
  const faces = await facesOf(page);
  console.log(`the static frame's font faces (${faces.length}):\n  ${faces.join('\n  ')}`);
  expect(faces.length, faces.join('\n')).toBeLessThanOrEqual(8);
  expect(new Set(faces.map((f) => f.split(' ')[0])).size, 'font families').toBe(1);
  release();
  await context.close();
});

test('the whole page, a first trace shown, draws its text in at most 13 font faces', async ({ browser }) => {
  // On Linux each new size and weight is a round trip to the browser in a
  // cold renderer (0.8-3 ms each, up to 24 when it is busy): the page keeps
  // to a few sizes and one bold (style/main.css): 22 faces and 34 lookups a
  // load before, 17 faces and 25 lookups since; then 13, once code, pre,
  // keys and the preview's address took one size of the monospace face,
  // not 0.88 of their parent's, and the checklist's boxes the headings' bold.
  const context = await browser.newContext({ viewport: { width: 1350, height: 940 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto('./');
  await expect(page.locator('table#steps tr.step').first()).toBeVisible();
  await expect(page.locator('#checklist')).toBeAttached();
  const faces = await facesOf(page);
  console.log(`the whole page's font faces (${faces.length}):\n  ${faces.join('\n  ')}`);
  expect(faces.length, faces.join('\n')).toBeLessThanOrEqual(13);
  await context.close();
});
