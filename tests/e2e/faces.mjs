// The font faces (family, size, weight, style) the page draws its text in,
// and the list of them that assets/loader.js looks up ahead of the app's
// layouts. Used by scripts/font-faces.mjs (which writes that list), by
// fonts.spec.mjs (which fails when it is not the page's) and by
// static-frame.spec.mjs (which counts the faces).
//
// On Linux a cold renderer asks the browser process, synchronously, how to
// render each new face (Chromium's FontCache::GetFontPlatformData, then
// WebSandboxSupportLinux::GetWebFontRenderStyleForStrike in its traces), and
// looks up a fallback face for a character its face lacks: 0.2 to 6 ms each
// on an idle 2-core machine, up to 26 ms while the browser process is busy.
// Asked for inside a layout, that time is the layout's.

/** The markers around the list in assets/loader.js. */
export const BEGIN = '// font-faces:begin (scripts/font-faces.mjs writes what follows; do not edit)';
export const END = '// font-faces:end';

/** The windows the list is taken at: the suite's three and its first visit's. */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
  { width: 390, height: 844 },
  { width: 1350, height: 940 },
];

/**
 * Runs in the page. Each face the visible text is drawn in (a text field's
 * value included), as `{ key, font, chars, svg, example }`: `key` is the
 * first family, size, weight and style; `font` the face as a canvas's `font`
 * (style, weight, size, the whole family list); `chars` the characters
 * outside ASCII drawn in it, sorted; `svg` whether it is SVG text, which is
 * set at its drawn (scaled) size, so its face depends on the window.
 */
export function pageFaces() {
  const seen = new Map();
  const note = (el, text) => {
    const s = getComputedStyle(el);
    const key = `${s.fontFamily.split(',')[0]} ${s.fontSize} ${s.fontWeight} ${s.fontStyle}`;
    const svg = el instanceof SVGElement;
    const face = seen.get(key) ?? {
      key,
      font: `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`,
      chars: new Set(),
      svg,
      example: `${el.tagName.toLowerCase()}: ${text.trim().slice(0, 24)}`,
    };
    face.svg &&= svg;
    for (const c of text) if (c.codePointAt(0) > 0x7e) face.chars.add(c);
    seen.set(key, face);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el.getClientRects().length) continue;
    note(el, n.textContent);
  }
  for (const el of document.querySelectorAll('#app input[type="text"]')) note(el, el.value);
  return [...seen.values()].map((f) => ({ ...f, chars: [...f.chars].sort().join('') }));
}

/**
 * The faces loader.js should look up: the HTML text's faces of a first
 * visit's page, at every one of VIEWPORTS, once its first trace is shown,
 * as sorted `[font, chars]` pairs (one per font, its characters merged).
 */
export async function faceList(browser, url) {
  const all = new Map();
  for (const viewport of VIEWPORTS) {
    // A first visit (a fresh context, nothing stored): the page plays its
    // first example by itself.
    const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      await page.goto(url);
      await page.locator('table#steps tr.step').first().waitFor();
      await page.locator('#checklist').waitFor({ state: 'attached' });
      for (const f of await page.evaluate(pageFaces)) {
        if (f.svg) continue;
        all.set(f.font, new Set([...(all.get(f.font) ?? []), ...f.chars]));
      }
    } finally {
      await context.close();
    }
  }
  return [...all.entries()].map(([font, chars]) => [font, [...chars].sort().join('')]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The list as loader.js holds it between BEGIN and END. */
export function listSource(faces) {
  return `\nconst FACES = [\n${faces.map((f) => `  ${JSON.stringify(f)},`).join('\n')}\n];\n`;
}

/** The list loader.js holds (`source` is its text), or null without the markers. */
export function listOf(source) {
  const b = source.indexOf(BEGIN);
  const e = source.indexOf(END);
  if (b < 0 || e < b) return null;
  const body = source.slice(b + BEGIN.length, e);
  const m = body.match(/const FACES = (\[[\s\S]*\]);/);
  return m ? JSON.parse(m[1].replace(/,\n\]$/, '\n]')) : null;
}
