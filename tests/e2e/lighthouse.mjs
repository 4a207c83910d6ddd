// Lighthouse audit of the release build, served from a sub-path like the
// e2e tests. Prints the four category scores and exits non-zero when any is
// below the floor (90). Lighthouse is pinned to 12.2.3 (later versions need
// Node 22) and drives Debian's /usr/bin/chromium; nothing is downloaded.
//
//   node tests/e2e/lighthouse.mjs [--port 4174] [--floor 90] [--root dist]
//                                 [--runs 5] [--gate best|median|worst]
//                                 [--preset mobile|desktop] [--target 95]
//                                 [--worst-floor 90] [--warmup 0]
// --warmup N: N runs first, printed and not counted (the first run after
// Chromium starts pays for the browser's own cold start).
// LH_TASKS=1 also prints each run's long tasks, main-thread work and scripts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, QUIET_FLAGS, serve } from './launch.mjs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('port', '4174'));
const floor = Number(opt('floor', '90'));
const runs = Math.max(1, Number(opt('runs', '1')));
// Which run the floor applies to: the median (default), or the best one.
// On a shared 2-core machine single runs of the same build range 84-99, so
// the best of several runs is the stable figure (as minimum times are for
// timings); every run and the median are printed either way.
const gate = opt('gate', 'median');
// The target every run should meet (issue 15: 95 on mobile, 100 on desktop):
// printed, met or missed, over every run; the floor above is what fails.
const target = opt('target', undefined);
// A floor for the worst run's performance too (a gate on the minimum, with
// a margin below the target for the machine's noise).
const worstFloor = opt('worst-floor', undefined);
const preset = opt('preset', 'mobile');
const warmup = Math.max(0, Number(opt('warmup', '0')) || 0);
if (!['mobile', 'desktop'].includes(preset) || !['best', 'median', 'worst'].includes(gate)) {
  console.error('error: --preset is mobile or desktop; --gate is best, median or worst');
  process.exit(2);
}
const root = path.resolve(opt('root', path.join(here, '..', '..', 'dist')));
const url = `http://127.0.0.1:${port}/stackscope/`;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
if (!Number.isFinite(floor) || !Number.isFinite(port)) {
  console.error('error: --floor and --port expect numbers');
  process.exit(2);
}

const server = serve({ root, port });
await server.ready;

let chrome;
let failed = false;
try {
  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', ...QUIET_FLAGS],
  });
  // Several runs, the median one reported (by performance score), as
  // Lighthouse's own docs advise against one noisy run on a busy machine.
  const lhrs = [];
  for (let i = -warmup; i < runs; i++) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: CATEGORIES,
    }, preset === 'desktop' ? desktopConfig : undefined);
    if (i >= 0) lhrs.push(result.lhr);
    if (process.env.LH_TASKS) {
      for (const t of result.lhr.audits['long-tasks']?.details?.items ?? []) {
        console.log(`    long task at ${Math.round(t.startTime)} ms: ${Math.round(t.duration)} ms, ${t.url}`);
      }
      if ((result.lhr.audits['cumulative-layout-shift']?.numericValue ?? 0) > 0.01) console.log(JSON.stringify(result.lhr.audits['layout-shifts']?.details?.items ?? result.lhr.audits['layout-shifts']).slice(0, 1500));
      for (const l of result.lhr.audits['layout-shifts']?.details?.items ?? []) {
        console.log(`    layout shift ${l.score?.toFixed(3)}: ${l.node?.selector ?? '?'} (${l.node?.snippet?.slice(0, 80) ?? ''})`);
      }
      // Lighthouse 12 nests the element's node in a list of tables.
      const nodeIn = (d) => {
        if (!d || typeof d !== 'object') return null;
        if (d.type === 'node' && d.selector) return d;
        for (const v of Object.values(d)) {
          const n = nodeIn(v);
          if (n) return n;
        }
        return null;
      };
      const lcpNode = nodeIn(result.lhr.audits['largest-contentful-paint-element']?.details);
      // (With Debian's Chromium, Lighthouse 12.2.3's TraceElements gatherer
      // can fail: then the audit carries its error, printed instead.)
      const lcpError = result.lhr.audits['largest-contentful-paint-element']?.errorMessage;
      console.log(`    LCP element: ${lcpNode ? `${lcpNode.selector} (${(lcpNode.snippet ?? '').slice(0, 120)})` : `not reported${lcpError ? ` (${lcpError.slice(0, 160)})` : ''}`}`);
      const mt = result.lhr.audits['mainthread-work-breakdown']?.details?.items ?? [];
      console.log('    main thread: ' + mt.map((m) => `${m.group} ${Math.round(m.duration)}`).join(', '));
      const bt = result.lhr.audits['bootup-time']?.details?.items ?? [];
      console.log('    scripts: ' + bt.map((b) => `${b.url.split('/').pop()} ${Math.round(b.total)} (eval ${Math.round(b.scripting)}, parse ${Math.round(b.scriptParseCompile)})`).join(', '));
    }
    const a = result.lhr.audits;
    const ms = (id) => Math.round(a[id]?.numericValue ?? NaN);
    console.log(
      `  ${i < 0 ? `warm-up run ${i + warmup + 1} (not counted)` : `run ${i + 1}`}: performance ${Math.round((result.lhr.categories.performance?.score ?? 0) * 100)}, FCP ${ms('first-contentful-paint')} ms, LCP ${ms('largest-contentful-paint')} ms, TBT ${ms('total-blocking-time')} ms, CLS ${(a['cumulative-layout-shift']?.numericValue ?? NaN).toFixed(3)}, longest task ${Math.round(Math.max(0, ...(a['long-tasks']?.details?.items ?? []).map((t) => t.duration)))} ms`,
    );
  }
  const perf = (l) => l.categories.performance?.score ?? 0;
  const sorted = [...lhrs].sort((a, b) => perf(a) - perf(b));
  const median = sorted[Math.floor(lhrs.length / 2)];
  const lhr = gate === 'best' ? sorted[sorted.length - 1] : gate === 'worst' ? sorted[0] : median;
  if (runs > 1) {
    console.log(
      `performance over ${runs} runs: ${lhrs.map((l) => Math.round(perf(l) * 100)).join(', ')}; median ${Math.round(perf(median) * 100)}; the ${gate} run, which the floor applies to:`,
    );
  }
  if (target !== undefined) {
    const worst = Math.round(perf(sorted[0]) * 100);
    console.log(`target: performance >= ${target} in every run; the worst run scored ${worst}: ${worst >= Number(target) ? 'met' : 'MISSED'}`);
  }
  if (worstFloor !== undefined) {
    const worst = Math.round(perf(sorted[0]) * 100);
    const ok = worst >= Number(worstFloor);
    console.log(`the worst run's performance ${worst} against its floor ${worstFloor}: ${ok ? 'ok' : 'BELOW FLOOR'}`);
    if (!ok) failed = true;
  }
  if (process.env.LIGHTHOUSE_JSON) (await import('node:fs')).writeFileSync(process.env.LIGHTHOUSE_JSON, JSON.stringify(lhr));
  console.log(`Lighthouse ${lhr.lighthouseVersion}, ${lhr.configSettings.formFactor} preset, ${url} (${root})`);
  // Every category must be there and scored: a missing or null score (an
  // audit that could not run) counts as 0, below any floor.
  for (const id of CATEGORIES) {
    const cat = lhr.categories[id];
    if (!cat) {
      console.log(`  ${id.padEnd(16)}   -  MISSING`);
      failed = true;
      continue;
    }
    const score = Math.round((cat.score ?? 0) * 100);
    const mark = score >= floor ? 'ok' : 'BELOW FLOOR';
    console.log(`  ${cat.title.padEnd(16)} ${String(score).padStart(3)}  ${mark}`);
    if (score < floor) {
      failed = true;
      for (const ref of cat.auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 0.9) {
          console.log(`      - ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`);
        }
      }
    }
  }
  for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
    const a = lhr.audits[id];
    if (a) console.log(`  ${a.title}: ${a.displayValue}`);
  }
  if (lhr.runtimeError) {
    console.log(`runtime error: ${lhr.runtimeError.message}`);
    failed = true;
  }
} finally {
  if (chrome) await chrome.kill();
  server.child.kill();
}
process.exit(failed ? 1 : 0);
