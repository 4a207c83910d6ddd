// Loads the app's WebAssembly module. An external file (not an inline
// script) so that the page's Content-Security-Policy can forbid inline
// scripts; Trunk is told not to inject its inline loader (Trunk.toml).
import init from './stackscope.js';

await init({ module_or_path: './stackscope_bg.wasm' });

// Offline after the first visit: the service worker caches this build once
// the page has loaded (never during start-up).
if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {});
  if (document.readyState === 'complete') setTimeout(register, 1000);
  else addEventListener('load', () => setTimeout(register, 1000), { once: true });
}
