// The page's static first frame (index.html's #app, painted before any
// WebAssembly arrives) and the app's own first frame, serialised alike so
// that the two can be compared. Used by static-frame.spec.mjs (they must be
// equal) and by scripts/static-frame.mjs (which writes the app's first frame
// into index.html).

/** The markers around the static frame in index.html. */
export const BEGIN = '<!-- static-frame:begin (scripts/static-frame.mjs writes what follows; do not edit) -->';
export const END = '<!-- static-frame:end -->';

/**
 * The static frame's seams (assets/frame-seam.js), which index.html holds at
 * two places the app never renders a script: just before the page's columns
 * (`div.layout`, after the address bar and its examples) and just before the
 * diagram's canvas. The parser stops at each and lays out what it has parsed,
 * so the frame's first layout is done in three tasks. `serialise` leaves them
 * out; `withSeams` puts them in.
 */
export const SEAM = '<script src="./frame-seam.js"></script>';
export const SEAMS_BEFORE = ['<div class="layout">', '<div class="diagram-canvas">'];

/** The app's first frame (serialised) with a seam put in before each of SEAMS_BEFORE. */
export function withSeams(frame) {
  let out = frame;
  for (const before of SEAMS_BEFORE) {
    const at = out.indexOf(before);
    if (at < 0 || out.indexOf(before, at + 1) >= 0) {
      throw new Error(`the first frame must hold exactly one ${before} (a seam of the static frame goes before it)`);
    }
    out = out.slice(0, at) + SEAM + out.slice(at);
  }
  return out;
}

/**
 * Runs in the page. `root`'s content as HTML, with the state the app sets as
 * properties (an input's value, a box's checked, an option's selected)
 * written as the attributes a parsed copy would start with.
 */
export function serialise(root) {
  const clone = root.cloneNode(true);
  // index.html's markers around the static frame: the app renders none.
  const walker = document.createTreeWalker(clone, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const c of comments) c.remove();
  // index.html's seams (SEAM, above): the app renders none.
  for (const s of clone.querySelectorAll('script[src="./frame-seam.js"]')) s.remove();
  const from = root.querySelectorAll('input, textarea, select');
  const to = clone.querySelectorAll('input, textarea, select');
  from.forEach((el, i) => {
    const c = to[i];
    if (el instanceof HTMLInputElement) {
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked) c.setAttribute('checked', '');
        else c.removeAttribute('checked');
      } else {
        c.setAttribute('value', el.value);
      }
    } else if (el instanceof HTMLTextAreaElement) {
      c.textContent = el.value;
    } else if (el instanceof HTMLSelectElement) {
      [...el.options].forEach((o, j) => {
        if (o.selected) c.options[j].setAttribute('selected', '');
        else c.options[j].removeAttribute('selected');
      });
    }
  });
  return clone.innerHTML;
}

/**
 * Runs in the page, before its scripts, given `serialise`: resolves
 * window.__firstFrame with the app's first frame, serialised in the
 * animation frame that paints it (the app renders its later stages only
 * after that paint: src/app.rs), and sets window.__staticFrame to the static
 * frame as parsed. Use it as `page.addInitScript({ content: FIRST_FRAME })`
 * (no eval: the page's CSP forbids it).
 */
function watchFirstFrame(ser) {
  window.__firstFrame = new Promise((resolve) => {
    const start = () => {
      const app = document.getElementById('app');
      window.__staticFrame = app ? ser(app) : null;
      const live = () => app && !app.hasAttribute('inert') && app.querySelector('main#main');
      const obs = new MutationObserver(() => {
        if (!live()) return;
        obs.disconnect();
        requestAnimationFrame(() => resolve(ser(app)));
      });
      obs.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
    else start();
  });
}

/** The init script that watches the first frame (see watchFirstFrame). */
export const FIRST_FRAME = `(${watchFirstFrame})(${serialise});`;

/** The static frame as index.html (or dist/index.html) holds it, or null. */
export function staticFrameOf(html) {
  const b = html.indexOf(BEGIN);
  const e = html.indexOf(END);
  return b >= 0 && e > b ? html.slice(b + BEGIN.length, e) : null;
}
