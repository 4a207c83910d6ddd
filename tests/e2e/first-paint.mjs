// Measures, in headless Chromium, the time from navigation start to the first
// paint of the diagram (the frame after `svg#diagram` enters the DOM), over
// several cold loads, and prints the median. A measurement, not a test.
//
//   node tests/e2e/first-paint.mjs [--port 4175] [--runs 7]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('port', '4175'));
const runs = Number(opt('runs', '7'));
const selector = opt('selector', 'svg#diagram');
const root = opt('root', path.join(here, '..', '..', 'dist'));

const server = spawn(process.execPath, [path.join(here, 'serve.mjs'), '--root', root, '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => server.stdout.on('data', (d) => d.toString().includes('serving') && resolve()));

const browser = await chromium.launch({
  executablePath: process.env.CHROME_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext(); // cold: no cache
    const page = await context.newPage();
    await page.addInitScript((sel) => {
      window.__paint = new Promise((resolve) => {
        const check = () => {
          if (document.querySelector(sel)) {
            requestAnimationFrame(() => resolve(performance.now()));
            return true;
          }
          return false;
        };
        const start = () => {
          if (check()) return;
          new MutationObserver((_, obs) => check() && obs.disconnect()).observe(document.documentElement, {
            childList: true,
            subtree: true,
          });
        };
        if (document.documentElement) start();
        else document.addEventListener('DOMContentLoaded', start);
      });
    }, selector);
    await page.goto(`http://127.0.0.1:${port}/stackscope/`);
    times.push(await page.evaluate(() => window.__paint));
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`first paint of ${selector}: median ${median.toFixed(0)} ms over ${runs} cold loads (${times.map((t) => t.toFixed(0)).join(', ')})`);
