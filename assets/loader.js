// Loads the app's WebAssembly module. An external file (not an inline
// script) so that the page's Content-Security-Policy can forbid inline
// scripts; Trunk is told not to inject its inline loader (Trunk.toml).
//
// The page's shell (index.html: the header, the honesty note) is painted
// first; only then is the app's module fetched, so on a slow phone the
// stylesheets and the first paint never share the line with 470 KB of
// WebAssembly (the glue, 8 KB, comes at once with this file). The fetch
// starts in a requestAnimationFrame callback, which runs just before the
// shell's paint: no answer can arrive before that paint.
import init from './stackscope.js';

// index.html's #app holds the app's first frame for a first visit with no
// link (scripts/static-frame.mjs), painted while the module loads. A link
// (`#s=…`, `#lesson=…`) or a lesson in progress opens on something else:
// the frame goes at once rather than show another world until the module
// arrives. (A module script runs before the parsed page's first paint in
// practice, not by any guarantee: at worst that frame is seen once.)
const staticFrameFits = () => {
  if (location.hash.length > 1) return false;
  try {
    return localStorage.getItem('stackscope.lessons.v1') === null;
  } catch {
    return true; // no storage: every visit is a first
  }
};
if (!staticFrameFits()) document.getElementById('app')?.replaceChildren();

const painted = () =>
  new Promise((resolve) => {
    if (document.visibilityState === 'hidden') resolve();
    else requestAnimationFrame(() => resolve());
  });

await painted();
await init({ module_or_path: './stackscope_bg.wasm' });

// Offline after the first visit: the service worker caches this build once
// the page has loaded (never during start-up).
if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {});
  if (document.readyState === 'complete') setTimeout(register, 1000);
  else addEventListener('load', () => setTimeout(register, 1000), { once: true });
}
