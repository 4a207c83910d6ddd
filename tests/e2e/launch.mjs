// What the measuring scripts and the Playwright config share: Debian's
// Chromium with flags that keep it from working on its own meanwhile, and
// serve.mjs started as a child of the script.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Debian's chromium (never a browser Playwright downloads). */
export const CHROMIUM = process.env.CHROME_BIN ?? '/usr/bin/chromium';

/** No sandbox (root in a container), no GPU, and no background work of the
 *  browser's own (updates, sync, QUIC probes) to weigh on a measurement. */
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts serve.mjs for `root` under `base` on 127.0.0.1:`port`; `ready`
 *  settles once it serves, and rejects if it exits first. */
export function serve({ root, port, base = '/stackscope/', name = 'serve.mjs' }) {
  const child = spawn(
    process.execPath,
    [path.join(here, 'serve.mjs'), '--root', root, '--base', base, '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => d.toString().includes('serving') && resolve());
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}); is port ${port} free?`)));
  });
  return { child, ready };
}
