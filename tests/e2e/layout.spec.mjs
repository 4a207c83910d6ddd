// Layout at 1280x800, 1024x768 and 390x844, measured from bounding boxes:
// the main panels never overlap (the sticky inspector included, while the
// page scrolls past the preview and the waterfall), the first screen holds
// the diagram, the controls and the current step's explanation, diagram
// labels stay inside their boxes, the keyboard path is short and focus
// never falls to <body>; a fault replays its request from step 1; a first
// visit plays the request by itself. Screenshots in results/screenshots/.
import { test, expect, VISITED_KEY, buttonsOverDownWord, reachEditors, recordLayoutShifts, recordLargestPaints, counter } from './fixtures.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'results', 'screenshots');
const HOME = 'http://www.foobar.com/';
const SIZES = [
  [1280, 800],
  [1024, 768],
  [390, 844],
];
const PANELS = ['section.stage', '#inspector', 'section.steps-panel', '#preview-frame', '#waterfall'];

async function open(page) {
  await page.goto('./');
  await expect(page.locator('svg#diagram')).toBeVisible();
  await expect(page.locator('#waterfall')).toBeVisible();
}

/** Runs the home page's request and waits, paused, at step 1. */
async function runHome(page) {
  await page.locator(`button.preset[data-url="${HOME}"]`).click();
  await expect(page.locator('table#steps tr.step').first()).toBeVisible();
  const play = page.locator('#play');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  await expect(play).toHaveAttribute('aria-pressed', 'false');
  await page.locator('#restart').click();
  await expect(page.locator('#step-counter')).toHaveText(/Step 1 of \d+/);
}

/** Viewport-relative boxes of the selectors (null when absent). */
async function boxes(page, selectors) {
  return page.evaluate((sels) => {
    const out = {};
    for (const s of sels) {
      const el = document.querySelector(s);
      if (!el) continue;
      const r = el.getBoundingClientRect();
      out[s] = { x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
    }
    return out;
  }, selectors);
}

function overlap(a, b) {
  const dx = Math.min(a.right, b.right) - Math.max(a.x, b.x);
  const dy = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
  return dx > 0.5 && dy > 0.5;
}

function expectNoOverlaps(b, where) {
  const names = Object.keys(b);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      expect(overlap(b[names[i]], b[names[j]]), `${names[i]} overlaps ${names[j]} (${where}): ${JSON.stringify([b[names[i]], b[names[j]]])}`).toBe(false);
    }
  }
}

/** Each diagram label's box against the smallest shape of its group that holds its centre. */
async function labelsOutsideBoxes(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const g of document.querySelectorAll('svg#diagram g.component')) {
      for (const t of g.querySelectorAll('text.label')) {
        const r = t.getBoundingClientRect();
        const cx = (r.left + r.right) / 2;
        const cy = (r.top + r.bottom) / 2;
        let best = null;
        for (const s of g.querySelectorAll('.shape, .nic, .screen')) {
          const b = s.getBoundingClientRect();
          if (cx < b.left || cx > b.right || cy < b.top || cy > b.bottom) continue;
          if (!best || b.width * b.height < best.width * best.height) best = b;
        }
        const inside =
          best && r.left >= best.left - 0.5 && r.right <= best.right + 0.5 && r.top >= best.top - 0.5 && r.bottom <= best.bottom + 0.5;
        if (!inside) bad.push(`${t.textContent}: ${JSON.stringify([r.left, r.right, best?.left, best?.right])}`);
      }
    }
    return bad;
  });
}

/** Elements of the main panels that scroll, or cut off, their own content. */
async function nestedScrollers(page) {
  return page.evaluate((panels) => {
    const out = [];
    for (const p of panels) {
      const root = document.querySelector(p);
      if (!root) continue;
      for (const el of [root, ...root.querySelectorAll('*')]) {
        // (Visually hidden text is a 1-pixel clip, for screen readers.)
        if (el.closest('svg') || el.clientWidth <= 1) continue;
        const cs = getComputedStyle(el);
        const x = cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1;
        const y = cs.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1;
        if (x || y) out.push(`${p} ${el.tagName.toLowerCase()}.${el.className} (${cs.overflowX}/${cs.overflowY})`);
      }
    }
    return out;
  }, PANELS);
}

for (const [w, h] of SIZES) {
  test.describe(`at ${w}x${h}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
    });

    test('panels never overlap, not even the sticky inspector while scrolling', async ({ page }) => {
      mkdirSync(SHOTS, { recursive: true });
      await open(page);
      await runHome(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(SHOTS, `layout-first-screen-${w}x${h}.png`) });
      await page.screenshot({ path: path.join(SHOTS, `layout-full-${w}x${h}.png`), fullPage: true });
      expectNoOverlaps(await boxes(page, PANELS), 'at the top');
      const report = await boxes(page, PANELS);
      console.log(`${w}x${h} panels (x, y, w, h): ${Object.entries(report).map(([k, b]) => `${k} ${[b.x, b.y, b.w, b.h].map(Math.round).join(',')}`).join('; ')}`);
      // Scrolled so that each lower panel is in view, at its top and at its end.
      for (const target of ['section.steps-panel', '#preview-frame', '#waterfall']) {
        for (const block of ['start', 'center', 'end']) {
          await page.locator(target).evaluate((el, b) => el.scrollIntoView({ block: b }), block);
          await page.waitForTimeout(50);
          expectNoOverlaps(await boxes(page, PANELS), `${target} scrolled to ${block}`);
        }
      }
      // A step with a tall inspector (the DNS bytes) too.
      await page.locator('table#steps tr.step', { hasText: 'Answer from the foobar.com name server' }).first().locator('button.step-go').click();
      await expect(page.locator('#inspector .hexdump')).toBeVisible();
      await page.locator('#inspector .hexdump-wrap').screenshot({ path: path.join(SHOTS, `layout-hexdump-${w}x${h}.png`) });
      // The bytes and their text column are inside the inspector: nothing cut, no scroll box.
      const spill = await page.evaluate(() => {
        const box = document.querySelector('#inspector').getBoundingClientRect();
        return [...document.querySelectorAll('#inspector .hexdump .ascii, #inspector .byte, #inspector .legend-table')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.right > box.right + 0.5 || r.left < box.left - 0.5).length;
      });
      expect(spill, 'hex dump parts outside the inspector').toBe(0);
      expect(await nestedScrollers(page), 'nested scroll boxes (DNS step)').toEqual([]);
      for (const title of ['HTTP request: GET /', 'Nginx picks', 'SQL: SELECT']) {
        await page.locator('table#steps tr.step', { hasText: title }).first().locator('button.step-go').click();
        expect(await nestedScrollers(page), `nested scroll boxes (${title})`).toEqual([]);
      }
      for (const target of ['section.steps-panel', '#preview-frame', '#waterfall']) {
        await page.locator(target).evaluate((el) => el.scrollIntoView({ block: 'center' }));
        await page.waitForTimeout(50);
        expectNoOverlaps(await boxes(page, PANELS), `DNS step, ${target} in view`);
      }
      await page.locator('#preview-frame').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(SHOTS, `layout-scrolled-preview-${w}x${h}.png`) });
    });

    test('diagram labels stay inside their boxes; the down word is not under a button', async ({ page }) => {
      await open(page);
      expect(await labelsOutsideBoxes(page)).toEqual([]);
      await page.locator('#fault-server-power').click();
      await expect(page.locator('svg#diagram .down-word')).toHaveText('POWERED OFF');
      expect(await buttonsOverDownWord(page)).toEqual([]);
      await page.locator('#topology-redundant').check();
      await expect(page.locator('svg#diagram g.component[data-component="LoadBalancer"]')).toHaveCount(1);
      expect(await labelsOutsideBoxes(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `layout-redundant-${w}x${h}.png`) });
    });

    test('the packet never sits on a label', async ({ page }) => {
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await open(page);
      await runHome(page);
      const { total } = await counter(page);
      for (let i = 1; i <= total; i++) {
        const on = await page.evaluate(() => {
          const p = document.querySelector('svg#diagram .packet')?.getBoundingClientRect();
          if (!p) return [];
          return [...document.querySelectorAll('svg#diagram text.label')]
            .filter((t) => {
              const r = t.getBoundingClientRect();
              return Math.min(r.right, p.right) > Math.max(r.left, p.left) && Math.min(r.bottom, p.bottom) > Math.max(r.top, p.top);
            })
            .map((t) => t.textContent);
        });
        expect(on, `step ${i}`).toEqual([]);
        if (i < total) await page.locator('#step-forward').click();
      }
    });
  });
}

test('at 1280x800 the diagram, the controls and the step explanation are on the first screen', async ({ page }) => {
  await open(page);
  await runHome(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  const sels = ['svg#diagram', '#play', '#step-back', '#step-forward', '#restart', '#speed', '#scrubber', '#step-counter', '#inspector .explanation'];
  const b = await boxes(page, sels);
  for (const s of sels) {
    expect(b[s], s).toBeTruthy();
    expect(b[s].y, `${s} top`).toBeGreaterThanOrEqual(0);
    expect(b[s].bottom, `${s} bottom`).toBeLessThanOrEqual(800);
    expect(b[s].right, `${s} right`).toBeLessThanOrEqual(1280);
  }
  console.log(`1280x800: diagram ${Math.round(b['svg#diagram'].y)}-${Math.round(b['svg#diagram'].bottom)}, play at ${Math.round(b['#play'].y)}, explanation ${Math.round(b['#inspector .explanation'].y)}-${Math.round(b['#inspector .explanation'].bottom)}`);
});

test('at 390x844 the controls are reachable while the diagram is in view', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  await runHome(page);
  // At the top of the page: the controls right above the whole diagram, clear of it.
  await page.evaluate(() => window.scrollTo(0, 0));
  const top = await boxes(page, ['svg#diagram', '#play', '#scrubber']);
  expect(top['svg#diagram'].bottom, 'the whole diagram on the first screen').toBeLessThanOrEqual(844);
  expect(top['#scrubber'].bottom).toBeLessThanOrEqual(top['svg#diagram'].y);
  const inView = (r) => r.y >= 0 && r.bottom <= 844;
  const visible = (r) => r.bottom > 0 && r.y < 844;
  for (const block of ['start', 'center', 'end']) {
    await page.locator('svg#diagram').evaluate((el, b) => el.scrollIntoView({ block: b }), block);
    await page.waitForTimeout(50);
    const b = await boxes(page, ['svg#diagram', '#play', '#step-forward', '#step-back', '#scrubber']);
    expect(visible(b['svg#diagram']), `diagram in view (${block})`).toBe(true);
    for (const s of ['#play', '#step-forward', '#step-back', '#scrubber']) expect(inView(b[s]), `${s} in view (${block})`).toBe(true);
  }
  // The zone editor's table shows Type and Value on the phone's width.
  await reachEditors(page);
  const zone = page.locator('#zone-records');
  await zone.scrollIntoViewIfNeeded();
  for (const col of ['Type', 'Value']) {
    const th = zone.locator('thead th', { hasText: col }).first();
    const r = await th.boundingBox();
    expect(r, col).not.toBeNull();
    expect(r.x, `${col} left`).toBeGreaterThanOrEqual(0);
    expect(r.x + r.width, `${col} right`).toBeLessThanOrEqual(390);
  }
  const cut = await page.evaluate(() => {
    const t = document.querySelector('#zone-records');
    return t.scrollWidth > t.parentElement.clientWidth + 1;
  });
  expect(cut, 'the zone table is wider than its box').toBe(false);
  // No cell wraps inside a word, a label or a number ("foobar.c|om.",
  // "360|0", "CNA|ME"): a line may start only after a dot, a colon or a space.
  const badBreaks = await page.evaluate(() => {
    const bad = [];
    for (const cell of document.querySelectorAll('#zone-records th, #zone-records td:not(.actions)')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      let prev = null; // [character, its line's top]
      while (walker.nextNode()) {
        const node = walker.currentNode;
        for (let i = 0; i < node.length; i++) {
          const ch = node.data[i];
          if (ch.trim() === '') {
            if (prev) prev[0] = ' ';
            continue;
          }
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const r = range.getClientRects()[0];
          if (!r || r.width === 0) continue;
          if (prev && r.top > prev[1] + 2 && !/[.: ]/.test(prev[0])) bad.push(`${cell.textContent.trim()}: before "${ch}"`);
          prev = [ch, r.top];
        }
      }
    }
    return bad;
  });
  expect(badBreaks, 'zone cells wrap only after a dot, a colon or a space').toEqual([]);
});

test('fewer than 5 Tabs from the address to Play; focus never falls to <body> at the last step', async ({ page }) => {
  await open(page);
  await runHome(page);
  await page.locator('#url-input').focus();
  let tabs = 0;
  while (tabs < 5) {
    await page.keyboard.press('Tab');
    tabs++;
    if ((await page.evaluate(() => document.activeElement?.id)) === 'play') break;
  }
  console.log(`Tabs from #url-input to #play: ${tabs}`);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('play');
  expect(tabs).toBeLessThan(5);
  // Step to the end with the keyboard.
  await page.locator('#step-forward').focus();
  const { total } = await counter(page);
  for (let i = 1; i < total; i++) await page.keyboard.press('Enter');
  await expect(page.locator('#step-counter')).toHaveText(`Step ${total} of ${total}`);
  await expect(page.locator('#step-forward')).toBeDisabled();
  const active = await page.evaluate(() => document.activeElement?.tagName + '#' + document.activeElement?.id);
  expect(active).not.toMatch(/^BODY/);
  expect(active).toBe('BUTTON#step-back');
  // And back to the start: Back is disabled there, the focus moves on.
  for (let i = 1; i < total; i++) await page.keyboard.press('Enter');
  await expect(page.locator('#step-counter')).toHaveText(`Step 1 of ${total}`);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-forward');
});

// The relative luminance contrast of two CSS rgb() colours (WCAG 2.x).
const contrast = (a, b) => {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

for (const [width, height] of [
  [1280, 800],
  [1024, 768],
  [390, 844],
  [360, 740],
]) {
  test(`at ${width}x${height} pressing Play moves no other button of the playback row`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await open(page);
    await runHome(page);
    const row = () => boxes(page, ['#play', '#step-back', '#step-forward', '#restart', '#speed']);
    const paused = await row();
    await page.locator('#play').click();
    await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
    // The hidden "Play" is out of the button's name.
    await expect(page.locator('#play')).toHaveAccessibleName('Pause');
    const playing = await row();
    // The pointer is still on the button: its words stay readable.
    const [color, background] = await page
      .locator('#play')
      .evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]);
    await page.locator('#play').click();
    await expect(page.locator('#play')).toHaveAccessibleName('Play');
    console.log(
      `${width}x${height}: Play ${paused['#play'].w} px wide, Pause ${playing['#play'].w} px; ` +
        `under the pointer while playing ${color} on ${background}`,
    );
    expect(contrast(color, background)).toBeGreaterThanOrEqual(4.5);
    // Back, Next and Restart stay under the pointer (they moved 8 px when
    // Pause was wider), and on phones the row stays one line (it wrapped).
    expect(playing).toEqual(paused);
    const restart = paused['#restart'];
    for (const [id, b] of Object.entries(paused)) {
      expect(b.h, `${id} on one line`).toBeLessThan(restart.h * 1.5);
      expect(Math.abs(b.y + b.h / 2 - (restart.y + restart.h / 2)), `${id} in the row`).toBeLessThan(4);
      expect(b.right, `${id} in view`).toBeLessThanOrEqual(width);
    }
  });
}

test('a fault replays the failing request from step 1, and plays it', async ({ page }) => {
  await open(page);
  await runHome(page);
  await page.locator('#step-forward').click();
  await page.locator('#step-forward').click();
  await page.locator('#fault-app-stop').click();
  await expect(page.locator('#reason-badge')).toContainText('502');
  await expect(page.locator('#step-counter')).toHaveText(/Step [12] of \d+/);
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await counter(page)).current, { timeout: 10_000 }).toBeGreaterThan(2);
  // "Restore everything" from the keyboard: it is disabled then, and the focus stays on the page's controls.
  await page.locator('#restore-all').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#restore-all')).toBeDisabled();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('topology-single');
});

test.describe('with reduced motion', () => {
  test.use({ reducedMotion: 'reduce' });
  test('a fault shows its request from step 1 without playing', async ({ page }) => {
    await open(page);
    await runHome(page);
    await page.locator('#step-forward').click();
    await page.locator('#fault-app-stop').click();
    await expect(page.locator('#reason-badge')).toContainText('502');
    await expect(page.locator('#step-counter')).toHaveText(/Step 1 of \d+/);
    await page.waitForTimeout(1500);
    await expect(page.locator('#step-counter')).toHaveText(/Step 1 of \d+/);
    await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'false');
  });
});

test.describe('the first visit', () => {
  test.use({ firstVisit: true });

  test('says what to do, and plays the request by itself once', async ({ page }) => {
    // The two actions in order, in one sentence that stays as it is once a
    // trace is there (a shorter one wrapped differently: a layout shift).
    const sentence = 'Press Go to send the request, then ▶ Play to watch it travel hop by hop.';
    await page.goto('./');
    await expect(page.locator('#intro > span')).toHaveText(sentence);
    await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(async () => (await counter(page)).current, { timeout: 10_000 }).toBeGreaterThan(1);
    await expect(page.locator('#intro > span')).toHaveText(sentence);
    expect(await page.evaluate((k) => localStorage.getItem(k), VISITED_KEY)).toBe('1');
    // The next visit waits for the learner.
    await page.reload();
    await expect(page.locator('svg#diagram')).toBeVisible();
    await expect(page.locator('#intro > span')).toHaveText(sentence);
    await page.waitForTimeout(1000);
    await expect(page.locator('#step-counter')).toHaveText('No steps yet');
  });

  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
  ]) {
    test(`at ${width}x${height} it plays by itself without moving what is on screen`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      const shifts = await recordLayoutShifts(page);
      await page.goto('./');
      await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
      // Several steps, each with its own details in the inspector.
      await expect.poll(async () => (await counter(page)).current, { timeout: 15_000 }).toBeGreaterThan(3);
      // The details were keyed by step: a step's headings are new content,
      // not the last step's moved (0.003-0.005 a step before). The step
      // counter is keyed too, and the intro stays one sentence.
      expect(await shifts()).toEqual([]);
    });
  }

  // At Lighthouse's desktop size (and a phone's): the inspector's
  // explanation is one paragraph whose text changes, so a longer
  // explanation later is not a new largest paint (a new paragraph each step
  // moved a first visit's LCP from 0.2 s to 4.6 s at 1350x940 as it played).
  for (const [width, height] of [
    [1350, 940],
    [412, 823],
  ]) {
    test(`at ${width}x${height} its largest paint is the first frame's, not a step's while it plays`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      const largest = await recordLargestPaints(page);
      await page.goto('./');
      await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
      await expect.poll(async () => (await counter(page)).current, { timeout: 15_000 }).toBeGreaterThan(5);
      const { entries, firstStepAt } = await largest();
      expect(firstStepAt).not.toBeNull();
      expect(entries.length).toBeGreaterThan(0);
      const late = entries.filter((e) => e.at >= firstStepAt).map((e) => `${Math.round(e.at)} ms: ${e.what}`);
      expect(late, `largest paints after the first step (${Math.round(firstStepAt)} ms)`).toEqual([]);
    });
  }

  test.describe('with reduced motion', () => {
    test.use({ reducedMotion: 'reduce' });
    test('shows step 1 and waits', async ({ page }) => {
      await page.goto('./');
      await expect(page.locator('#step-counter')).toHaveText(/Step 1 of \d+/);
      await page.waitForTimeout(1500);
      await expect(page.locator('#step-counter')).toHaveText(/Step 1 of \d+/);
      await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'false');
    });
  });
});
