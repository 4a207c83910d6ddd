// The shared Playwright fixture: every test fails if the page logged a
// console error, threw, or a request failed (HTTP 4xx/5xx included).
import { test as base, expect } from '@playwright/test';

export { expect };

/** The key under which the page remembers this browser has been here (src/app.rs). */
export const VISITED_KEY = 'stackscope.visited.v1';

/**
 * Makes every page a returning visitor's (nothing is requested or played by
 * itself at start), unless a test asks for a first visit with
 * `test.use({ firstVisit: true })`.
 */
export async function returning(context) {
  // Init scripts run in every frame: the sandboxed preview frame has no storage.
  await context.addInitScript((key) => {
    if (window === window.top) localStorage.setItem(key, '1');
  }, VISITED_KEY);
}

/** Waits for the live app in place of index.html's inert static first frame. */
export async function live(page) {
  await page.locator('#app[inert]').waitFor({ state: 'detached' });
}

/**
 * Makes the page's loads (goto, reload) wait for the live app: until then
 * #app holds index.html's inert static first frame (static-frame.spec.mjs
 * tests it), which a learner can see but neither focus nor click, and which
 * a test's fill() would write into only to see it replaced. The `page`
 * fixture below does this; specs on Playwright's own `test` call it in a
 * beforeEach.
 */
export function liveLoads(page) {
  for (const name of ['goto', 'reload']) {
    const load = page[name].bind(page);
    page[name] = async (...args) => {
      const response = await load(...args);
      await live(page);
      return response;
    };
  }
}

export const test = base.extend({
  page: async ({ page }, use) => {
    liveLoads(page);
    await use(page);
  },
  firstVisit: [false, { option: true }],
  visit: [
    async ({ context, firstVisit }, use) => {
      if (!firstVisit) await returning(context);
      await use();
    },
    { auto: true },
  ],
  problems: [
    async ({ page }, use, testInfo) => {
      const problems = [];
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        // Playwright runs its init scripts in every frame, the sandboxed
        // preview (no allow-scripts) too, and Chromium then says so, now and
        // again (microsoft/playwright#33343; seen once in load.spec). The
        // preview's pages never carry a script of their own:
        // editors.spec.mjs checks it with a page that tries.
        if (/^Blocked script execution in 'about:srcdoc'/.test(msg.text())) return;
        problems.push(`console.error: ${msg.text()} (${msg.location()?.url ?? ''})`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) =>
        problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
      );
      page.on('response', (res) => {
        if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
      });
      await use(problems);
      if (problems.length) {
        await testInfo.attach('problems', { body: problems.join('\n') });
      }
      expect(problems, 'console errors, page errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

/** A row of the steps table that holds `text`. */
export const stepRow = (page, text) => page.locator('table#steps tr.step', { hasText: text });

/**
 * Opens the app, requests the home page over http://, then switches to the
 * secured design, which asks for the same page over https://.
 */
export async function openSecured(page) {
  await openHttpsDesign(page, 'secured');
}

/** The home page, then a design that serves HTTPS (`secured`, `scaled`):
 * the address is asked for again over https://. */
export async function openHttpsDesign(page, design) {
  await page.goto('./');
  await page.locator('#play').waitFor();
  await page.locator('#go').click();
  await expect(stepRow(page, 'TCP SYN to 8.8.8.8:80')).toHaveCount(1);
  await page.locator(`#topology-${design}`).check();
  await expect(stepRow(page, 'TLS ServerHello')).toHaveCount(1);
}

/** The fault buttons lying over the diagram's down word ("POWERED OFF"). */
export async function buttonsOverDownWord(page) {
  return page.evaluate(() => {
    const word = document.querySelector('svg#diagram .down-word').getBoundingClientRect();
    return [...document.querySelectorAll('#fault-controls button')]
      .map((b) => [b.id, b.getBoundingClientRect()])
      .filter(([, r]) => Math.min(r.right, word.right) > Math.max(r.left, word.left) && Math.min(r.bottom, word.bottom) > Math.max(r.top, word.top))
      .map(([id]) => id);
  });
}

/**
 * What sticks out of a panel or overlaps in it, from bounding boxes: every
 * element matching `inner` (inside `panel`) must lie within the panel's
 * left and right edges (an element of no size, inside a closed <details>,
 * is skipped), and no two elements matching `controls` may overlap.
 * Returns one line per fault; [] when the layout holds.
 */
export async function panelFaults(page, panel, inner, controls) {
  return page.evaluate(([panel, inner, controls]) => {
    const p = document.querySelector(panel).getBoundingClientRect();
    const bad = [];
    for (const el of document.querySelectorAll(inner.map((s) => `${panel} ${s}`).join(', '))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < p.left - 1 || r.right > p.right + 1) bad.push(`${el.tagName}#${el.id} ${r.left}-${r.right} outside ${p.left}-${p.right}`);
    }
    const boxes = controls.length
      ? [...document.querySelectorAll(controls.map((s) => `${panel} ${s}`).join(', '))].map((e) => e.getBoundingClientRect())
      : [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) bad.push(`controls ${i} and ${j} overlap`);
      }
    return bad;
  }, [panel, inner, controls]);
}

/**
 * Reloads once the page's downloads are done: a test that scrolled near the
 * second module's panels started fetching it, and a reload mid-download
 * aborts that fetch, which the problem guard would count (a CI run of
 * 2026-12-05 saw it once). A learner's reload there is harmless.
 * Bounded: after a file download (editors.spec's exports) Playwright once
 * never saw the network idle (a local run of 2026-12-06 waited out the
 * test's 60 s); the module's own fetch takes well under a second here.
 */
export async function settledReload(page) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
  await page.reload();
}

/** Scrolls to one of the second module's panels (`section#<id>`), as a
 *  learner does: near its placeholder, which loads the module, then to the
 *  panel once it is drawn. */
export async function reachPanel(page, id) {
  await page.locator(`#${id}`).first().scrollIntoViewIfNeeded();
  await expect(page.locator(`section#${id}`)).toBeVisible();
  await page.locator(`section#${id}`).scrollIntoViewIfNeeded();
}

/**
 * Scrolls to the editors, which the page's second module draws last, and
 * waits for them: the way a learner reaches them (their place holds an
 * anchor, #editors, until the module is there).
 */
export async function reachEditors(page) {
  await reachPanel(page, 'editors');
}

/**
 * Records the page's layout shifts (the Layout Instability API) from its
 * next load on; the function returned reads them, each as its score, its
 * time and the kinds of node that moved.
 */
export async function recordLayoutShifts(page) {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const what = e.sources.map((s) => s.node?.nodeName ?? '?').join(', ');
        window.__shifts.push(`${e.value.toFixed(4)} at ${Math.round(e.startTime)} ms (${what})`);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return () => page.evaluate(() => window.__shifts);
}

/**
 * Records the page's largest-contentful-paint entries from before its
 * scripts run; returns a function that reads them back, each with its time
 * and the element (tag, class, the start of its text).
 */
export async function recordLargestPaints(page) {
  await page.addInitScript(() => {
    window.__largest = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const el = e.element;
        const text = (el?.textContent ?? '').trim().slice(0, 40);
        window.__largest.push({ at: e.startTime, what: `${el?.localName ?? '(removed)'}.${el?.className ?? ''} "${text}"` });
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    // When the first step was drawn: the first trace's arrival.
    window.__firstStepAt = null;
    new MutationObserver((_, obs) => {
      if (/Step 1 of/.test(document.querySelector('#step-counter')?.textContent ?? '')) {
        window.__firstStepAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  return () => page.evaluate(() => ({ entries: window.__largest, firstStepAt: window.__firstStepAt }));
}

/** The step counter's "Step 3 of 27" as { current: 3, total: 27 }. */
export async function counter(page) {
  const text = (await page.locator('#step-counter').textContent()) ?? '';
  const m = text.match(/(\d+)\s+of\s+(\d+)/);
  expect(m, `#step-counter text: ${JSON.stringify(text)}`).not.toBeNull();
  return { current: Number(m[1]), total: Number(m[2]) };
}

/**
 * The last step's row of the trace on screen. A new trace's steps come a
 * frame after its journey (src/later.rs): until then the table still lists
 * the trace before, so this waits for as many rows as the counter says.
 */
export async function lastStepRow(page) {
  const { total } = await counter(page);
  const rows = page.locator('table#steps tr.step');
  await expect(rows).toHaveCount(total);
  return rows.last();
}
