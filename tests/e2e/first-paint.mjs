// Measures, in headless Chromium, the time from navigation start to the first
// paint of the diagram (the frame after `svg#diagram` enters the DOM), over
// several cold loads, and prints the median. The diagram is first painted
// from index.html's static first frame (scripts/static-frame.mjs), before
// the WebAssembly module arrives; the frame after the live app's diagram
// replaces it (`#app:not([inert]) svg#diagram`) is measured and printed too
// ("live"). Also records the long tasks
// (PerformanceObserver 'longtask', buffered) from navigation until shortly
// after that paint ("startup") and prints the longest.
//
//   node tests/e2e/first-paint.mjs [--port 4175] [--runs 7] [--selector svg#diagram] [--root dist]
//                                  [--settle 500] [--max-long-task MS]
//
// --compare: the same measurement against a bare Yew app (bench/counter, a
// counter built with the same toolchain, profile, wasm-opt level and CSP), in
// the same browser, alternating cold loads: Stackscope (dist/ at /stackscope/,
// first paint of svg#diagram), then the counter (bench/counter/dist at
// /counter/, first paint of #counter), and so on. Prints the gzip -9 size of
// every file of both dist directories, both medians and the ratio
// stackscope / counter, for the first paint and for the live app's.
// scripts/bench-paint.sh builds the counter first.
//
//   node tests/e2e/first-paint.mjs --compare [--runs 9] [--warmup 1] [--port 4175]
//        [--root dist] [--counter-root bench/counter/dist] [--max-ratio 1.3]
//        [--max-live-ratio 3] [--max-long-task MS]
//
// Exit status: 1 when the first paint's ratio exceeds --max-ratio (default
// 1.3, issue 15's target, always printed; --compare only), or the live app's exceeds
// --max-live-ratio (when given), or when --max-long-task is given and the median over the Stackscope
// loads of each load's longest startup task exceeds it (the worst load is
// printed too; the median keeps one noisy load on a busy machine from
// failing the run). Otherwise a measurement: 0 whatever the figures.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { CHROMIUM, QUIET_FLAGS, cli, serve } from './launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
// The last occurrence wins, so wrappers can put defaults first.
const { opt, flag } = cli();
const num = (name, fallback) => {
  const raw = opt(name, fallback);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`error: --${name} expects a number, got '${raw}'`);
    process.exit(2);
  }
  return n;
};

const compare = flag('compare');
const port = num('port', '4175');
const runs = Math.max(1, Math.floor(num('runs', compare ? '9' : '7')));
const warmup = Math.floor(num('warmup', compare ? '1' : '0'));
const settle = num('settle', '500');
const maxRatio = num('max-ratio', '1.3');
const maxLiveRatio = num('max-live-ratio', undefined);
// The issue's target, always reported; --max-ratio is what fails the run.
const TARGET_RATIO = 1.3;
const maxLongTask = num('max-long-task', undefined);
const paintTimeout = num('timeout', '60000');

const apps = [
  {
    name: 'stackscope',
    root: path.resolve(opt('root', path.join(repo, 'dist'))),
    base: '/stackscope/',
    port,
    selector: opt('selector', 'svg#diagram'),
    live: '#app:not([inert]) svg#diagram',
  },
];
if (compare) {
  apps.push({
    name: 'counter',
    root: path.resolve(opt('counter-root', path.join(repo, 'bench', 'counter', 'dist'))),
    base: '/counter/',
    port: port + 1,
    selector: '#counter',
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => x.toFixed(0);

async function listFiles(dir) {
  const out = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

// Prints each file's size and gzip -9 size (as scripts/test.sh's dist sizes).
async function printSizes(app) {
  const files = await listFiles(app.root);
  let raw = 0;
  let gz = 0;
  console.log(`${app.name}: ${app.root}`);
  console.log(`  ${'file'.padEnd(40)} ${'bytes'.padStart(10)} ${'gzip -9'.padStart(10)}`);
  for (const file of files) {
    const data = await fs.readFile(file);
    const z = gzipSync(data, { level: 9 }).length;
    raw += data.length;
    gz += z;
    console.log(`  ${path.relative(app.root, file).padEnd(40)} ${String(data.length).padStart(10)} ${String(z).padStart(10)}`);
  }
  console.log(`  ${'TOTAL'.padEnd(40)} ${String(raw).padStart(10)} ${String(gz).padStart(10)}`);
  return gz;
}

function startServer(app) {
  return serve({ root: app.root, base: app.base, port: app.port, name: `serve.mjs for ${app.name}` });
}

// Runs in the page before any of its scripts: resolves window.__paint with
// the time of the frame after `sel` enters the DOM, and collects long tasks.
function instrument([sel, liveSel]) {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    window.__longTasks = null; // not supported
  }
  const painted = (sel) =>
    new Promise((resolve) => {
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
  window.__paint = painted(sel);
  window.__live = liveSel ? painted(liveSel) : window.__paint;
}

// One cold load (a fresh context: empty HTTP and code caches).
async function load(browser, app) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`  [${app.name}] page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`  [${app.name}] console error: ${m.text()}`));
    await page.addInitScript(instrument, [app.selector, app.live ?? null]);
    await page.goto(`http://127.0.0.1:${app.port}${app.base}`);
    let timer;
    const [paint, live] = await Promise.race([
      page.evaluate(() => Promise.all([window.__paint, window.__live])),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${app.name}: no ${app.selector} painted within ${paintTimeout} ms`)),
          paintTimeout,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    // Long-task entries are delivered after the task ends: give them time.
    await page.waitForTimeout(settle);
    const tasks = await page.evaluate(
      (until) => (window.__longTasks === null ? null : window.__longTasks.filter((t) => t.start <= until)),
      live + settle,
    );
    const longest = tasks === null ? null : tasks.reduce((m, t) => Math.max(m, t.duration), 0);
    return { paint, live, tasks, longest };
  } finally {
    await context.close();
  }
}

const servers = apps.map(startServer);
const results = Object.fromEntries(apps.map((a) => [a.name, []]));
let browser;
try {
  await Promise.all(servers.map((s) => s.ready));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS });
  // Alternating cold loads, so that whatever else the machine is doing
  // weighs on both apps alike. Warm-up loads (browser start-up) are dropped.
  for (let i = 0; i < warmup + runs; i++) {
    for (const app of apps) {
      const r = await load(browser, app);
      if (i >= warmup) results[app.name].push(r);
    }
  }
} finally {
  if (browser) await browser.close();
  for (const s of servers) s.child.kill();
}

const failures = [];
if (compare) {
  console.log('gzip -9 sizes');
  for (const app of apps) await printSizes(app);
  console.log('');
}
const medians = {};
const liveMedians = {};
for (const app of apps) {
  const rs = results[app.name];
  const paints = rs.map((r) => r.paint);
  medians[app.name] = median(paints);
  const label = compare ? `${app.name}: ` : '';
  console.log(
    `${label}first paint of ${app.selector}: median ${ms(medians[app.name])} ms over ${rs.length} cold loads (${paints.map(ms).join(', ')})`,
  );
  if (app.live) {
    const lives = rs.map((r) => r.live);
    liveMedians[app.name] = median(lives);
    console.log(
      `${label}paint of the live app (${app.live}): median ${ms(liveMedians[app.name])} ms (${lives.map(ms).join(', ')})`,
    );
  } else {
    liveMedians[app.name] = medians[app.name];
  }
  if (rs.some((r) => r.tasks === null)) {
    console.log(`${label}long tasks: not reported by this browser`);
    continue;
  }
  const longest = rs.map((r) => r.longest);
  const counts = rs.map((r) => r.tasks.length);
  const worst = rs.reduce((w, r) => (r.longest > w.longest ? r : w), rs[0]);
  const worstTasks = worst.tasks.map((t) => `${ms(t.duration)} ms at ${ms(t.start)}`).join(', ') || 'none';
  console.log(
    `${label}longest startup task (navigation → live paint + ${settle} ms): median ${ms(median(longest))} ms, worst ${ms(worst.longest)} ms ` +
      `(per load: ${longest.map(ms).join(', ')}; long tasks per load: ${counts.join(', ')}; worst load: ${worstTasks})`,
  );
  const over = longest.filter((d) => d > 50).length;
  // Where each long one fell, against that load's first paint and live paint.
  const where = rs
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.longest > 50)
    .map(({ r, i }) => `load ${i + 1}: ${r.tasks.filter((t) => t.duration > 50).map((t) => `${ms(t.duration)} ms at ${ms(t.start)}`).join(', ')} (first paint ${ms(r.paint)}, live ${ms(r.live)})`);
  console.log(`${label}loads with a start-up task over 50 ms: ${over} of ${rs.length}${app.name === 'stackscope' ? ` (target: none; ${over ? 'MISSED' : 'met'})` : ''}${where.length ? `: ${where.join('; ')}` : ''}`);
  if (app.name === 'stackscope' && maxLongTask !== undefined && median(longest) > maxLongTask) {
    failures.push(`median longest startup task ${ms(median(longest))} ms > --max-long-task ${maxLongTask} ms`);
  }
}
if (compare) {
  const ratio = medians.stackscope / medians.counter;
  console.log(`ratio stackscope / counter (medians): ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}; fails above ${maxRatio})`);
  if (ratio > maxRatio) failures.push(`first-paint ratio ${ratio.toFixed(2)} > --max-ratio ${maxRatio}`);
  // Steadier views of the same loads: the fastest of each (what the
  // machine's noise cannot make faster), and each Stackscope load against
  // the counter load right after it (drift in the machine's load cancels).
  const paintsOf = (name) => results[name].map((r) => r.paint);
  const minRatio = Math.min(...paintsOf('stackscope')) / Math.min(...paintsOf('counter'));
  const paired = median(paintsOf('stackscope').map((p, i) => p / paintsOf('counter')[i]));
  console.log(
    `ratio stackscope / counter (minimums): ${minRatio.toFixed(2)} (${ms(Math.min(...paintsOf('stackscope')))} against ${ms(Math.min(...paintsOf('counter')))} ms); median of the ${results.stackscope.length} paired loads' ratios: ${paired.toFixed(2)}`,
  );
  const liveRatio = liveMedians.stackscope / liveMedians.counter;
  console.log(
    `ratio live app / counter (medians): ${liveRatio.toFixed(2)} (a bare Yew app's first paint is its live app's${maxLiveRatio === undefined ? '' : `; fails above ${maxLiveRatio}`})`,
  );
  if (maxLiveRatio !== undefined && liveRatio > maxLiveRatio) {
    failures.push(`live-app paint ratio ${liveRatio.toFixed(2)} > --max-live-ratio ${maxLiveRatio}`);
  }
}
for (const f of failures) console.log(`FAIL: ${f}`);
process.exit(failures.length ? 1 : 0);
