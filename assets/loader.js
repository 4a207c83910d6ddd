// Loads the app's WebAssembly module. An external file (not an inline
// script) so that the page's Content-Security-Policy can forbid inline
// scripts; Trunk is told not to inject its inline loader (Trunk.toml).
import init from './stackscope.js';

await init({ module_or_path: './stackscope_bg.wasm' });
