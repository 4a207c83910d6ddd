// What the measuring scripts and the Playwright config share: Debian's
// Chromium with flags that keep it from working on its own meanwhile, and
// serve.mjs started as a child of the script.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

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

/** A script's options: `opt('port', '4179')` is the value after the last
 *  `--port` (the last wins, so wrappers can put defaults first), `flag('check')`
 *  whether `--check` is given. */
export function cli(args = process.argv.slice(2)) {
  return {
    opt: (name, fallback) => {
      const i = args.lastIndexOf(`--${name}`);
      return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
    },
    flag: (name) => args.includes(`--${name}`),
  };
}

/** Serves the build at `root` on `port`, runs `body(browser, url)` in
 *  Debian's Chromium with `url` the app's address, then stops both. */
export async function withBuild({ root, port }, body) {
  const server = serve({ root, port, name: 'serve.mjs' });
  let browser;
  try {
    await server.ready;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS });
    return await body(browser, `http://127.0.0.1:${port}/stackscope/`);
  } finally {
    if (browser) await browser.close();
    server.child.kill();
  }
}
