// Loads the counter's WebAssembly module. An external file (not an inline
// script) so that the page's Content-Security-Policy can forbid inline
// scripts, exactly as the main app does (assets/loader.js); Trunk is told
// not to inject its inline loader (Trunk.toml).
import init from './counter-baseline.js';

await init({ module_or_path: './counter-baseline_bg.wasm' });
