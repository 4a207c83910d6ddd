// Loads the app's WebAssembly module. An external file (not an inline
// script) so that the page's Content-Security-Policy can forbid inline
// scripts; Trunk is told not to inject its inline loader (Trunk.toml).
//
// The page's shell (index.html: the header, the honesty note) is painted
// first; only then are the app's glue and module fetched, so on a slow
// phone the stylesheets and the first paint never share the line with
// 470 KB of WebAssembly. The wait is one frame: a requestAnimationFrame
// callback runs just before the paint, the task after it just after.
const painted = () =>
  new Promise((resolve) => {
    if (document.visibilityState === 'hidden') resolve();
    else requestAnimationFrame(() => setTimeout(resolve, 0));
  });

await painted();
const { default: init } = await import('./stackscope.js');
await init({ module_or_path: './stackscope_bg.wasm' });

// Offline after the first visit: the service worker caches this build once
// the page has loaded (never during start-up).
if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {});
  if (document.readyState === 'complete') setTimeout(register, 1000);
  else addEventListener('load', () => setTimeout(register, 1000), { once: true });
}
