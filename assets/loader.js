// Loads the app's WebAssembly module. An external file (not an inline
// script) so that the page's Content-Security-Policy can forbid inline
// scripts; Trunk is told not to inject its inline loader (Trunk.toml).
//
// The page's shell (index.html: the header, the honesty note) is painted
// first; only then is the app's module fetched, so on a slow phone the
// stylesheets and the first paint never share the line with 390 KB of
// WebAssembly (the glue, 8 KB, comes at once with this file). The fetch
// starts once the browser reports that paint (`painted`, below).

// index.html's #app holds the app's first frame for a first visit with no
// link (scripts/static-frame.mjs), painted while the module loads. A link
// (`#s=…`, `#lesson=…`, `#backup=…`) opens on something else: the frame goes
// at once, before the glue is even fetched (hence its import below is
// dynamic). index.html makes this script render-blocking
// (`blocking="render"`): nothing is painted before it runs, once the whole
// page is parsed, so a link never shows the frame (a browser that does not
// know the attribute may paint it until this file arrives), and the frame's
// seam (frame-seam.js) never lets its first part be painted alone, ahead
// of the diagram. Saved edits come at the app's last stage, and
// saved lesson progress opens no lesson: neither changes the first frame.
const app = document.getElementById('app');
if (location.hash.length > 1) app?.replaceChildren();

const { default: init } = await import('./stackscope.js');

// The page's second module (panels/: the panels below the checklist, from
// the availability sweep to the editors), imported on demand (src/panels/host.rs): once `near`, the
// panels' placeholder, comes within 1000 px of the viewport (scrolled to, or
// a lesson's link to it), or at once without one (a panel's link such as
// #monitor=). Never
// during start-up, unless a link asks for it.
let panels;
globalThis.stackscopePanels = (near) =>
  new Promise((resolve) => {
    if (!near || !('IntersectionObserver' in globalThis)) return resolve();
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          seen.disconnect();
          resolve();
        }
      },
      { rootMargin: '1000px 0px' },
    );
    seen.observe(near);
  }).then(
    () =>
      (panels ??= import('./panels.js').then(async (m) => {
        await m.default({ module_or_path: './panels_bg.wasm' });
        return m;
      })),
  );

// The first paint, as the browser reports it (the 'paint' entry comes once
// that frame is on screen). Waiting for a requestAnimationFrame callback
// instead, which runs just before the paint, started the fetch before it
// whenever the glue had arrived before the first frame: Lighthouse then
// counted the module's download in the largest paint's path (LCP 620 ms
// against 350 on its desktop preset in about half the runs, 2.8 s against
// 1.3 s on mobile in about 1 in 20). Without paint entries, that callback;
// and never more than a second's wait.
const painted = () =>
  new Promise((resolve) => {
    if (document.visibilityState === 'hidden') return resolve();
    if (!PerformanceObserver.supportedEntryTypes?.includes('paint')) {
      return requestAnimationFrame(() => resolve());
    }
    const seen = new PerformanceObserver((list) => {
      if (list.getEntries().length > 0) {
        seen.disconnect();
        resolve();
      }
    });
    seen.observe({ type: 'paint', buffered: true });
    setTimeout(resolve, 1000);
  });

await painted();
const started = init({ module_or_path: './stackscope_bg.wasm' });
// The app reads this origin's storage in its first render (saved lesson
// progress, whether this browser has been here): the first access opens the
// storage area synchronously, 2 to 6 ms inside the app's mount, its longest
// start-up task, in sampled traces. Opened here instead, in a task of its
// own while the module downloads.
setTimeout(() => {
  try {
    void localStorage.length;
  } catch {
    // Storage refused: the app treats every visit as a first.
  }
}, 0);
// The faces the page draws its text in, looked up while the module
// downloads. A cold renderer asks the browser process how to render each new
// face, synchronously, inside the first layout that needs it: the app's
// staged renders after its mount spent 6 to 31 ms of their layouts so in
// traced cold loads (up to 26 ms for one face while the browser process was
// busy). A canvas's measureText makes the same lookups (the renderer's font
// cache is one), here, a few faces a task, in tasks of their own; the
// static frame's faces are known already and cost nothing. The list is the
// page's, written by scripts/font-faces.mjs (tests/e2e/fonts.spec.mjs fails
// when it is not): each face with the characters outside ASCII drawn in it,
// whose fallback faces are looked up too.
// font-faces:begin (scripts/font-faces.mjs writes what follows; do not edit)
const FACES = [
  ["normal 400 12.8px \"DejaVu Sans Mono\", ui-monospace, SFMono-Regular, Menlo, Consolas, monospace","…←→"],
  ["normal 400 12.8px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","·–‖↻≠■●✕"],
  ["normal 400 13.6px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","◉●✕"],
  ["normal 400 14.4px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","µ…→↳"],
  ["normal 400 16px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","—…↺▶◀"],
  ["normal 600 12.8px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","✓"],
  ["normal 600 13.6px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif",""],
  ["normal 600 14.4px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","µ"],
  ["normal 600 16px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","…▶❚"],
  ["normal 600 17.6px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif","☐"],
  ["normal 600 21.6px system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif",""],
];
// font-faces:end
const look = document.createElement('canvas').getContext('2d');
let next = 0;
const lookUp = () => {
  // At most about 4 ms a task: each lookup is a round trip to the browser.
  const until = performance.now() + 4;
  while (next < FACES.length && performance.now() < until) {
    const [font, chars] = FACES[next++];
    look.font = font;
    look.measureText(`a${chars}`);
  }
  if (next < FACES.length) setTimeout(lookUp, 0);
};
if (look) setTimeout(lookUp, 0);
try {
  await started;
} catch (e) {
  // No WebAssembly (a browser that turns it off), or the module did not
  // arrive: say so in place of the frame, which would otherwise stay, inert,
  // looking as if it were starting.
  if (app?.hasAttribute('inert')) {
    const p = document.createElement('p');
    p.className = 'init-error';
    p.setAttribute('role', 'alert');
    p.textContent =
      `✕ Stackscope could not start: this browser did not run its WebAssembly module (${e?.message ?? e}). ` +
      'Reload the page, or open it in another browser.';
    app.replaceChildren(p);
    app.removeAttribute('inert');
  }
  throw e;
}

// Offline after the first visit: the service worker caches this build once
// the page has loaded (never during start-up).
if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {});
  if (document.readyState === 'complete') setTimeout(register, 1000);
  else addEventListener('load', () => setTimeout(register, 1000), { once: true });
}
