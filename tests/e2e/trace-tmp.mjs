import { chromium } from '@playwright/test';
import { CHROMIUM, QUIET_FLAGS, serve } from './launch.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..', 'dist');
const { child, ready } = serve({ root, port: 4191 });
await ready;
const runs = Number(process.argv[2] ?? 8);
const agg = {};
try {
  for (let i = 0; i < runs; i++) {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'blink', 'toplevel'] });
    await page.goto('http://127.0.0.1:4191/stackscope/');
    await page.waitForTimeout(1500);
    const buf = await browser.stopTracing();
    await browser.close();
    const ev = JSON.parse(buf.toString()).traceEvents;
    // renderer main thread: thread with name CrRendererMain
    const names = ev.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const mains = new Set(names.map((e) => `${e.pid}:${e.tid}`));
    const main = ev.filter((e) => mains.has(`${e.pid}:${e.tid}`) && e.ph === 'X');
    const nav = ev.find((e) => e.name === 'navigationStart' || e.name === 'NavigationTiming') ?? main[0];
    const t0 = Math.min(...main.map((e) => e.ts));
    const tasks = main.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.dur > 30000);
    for (const t of tasks) {
      const kids = main.filter((e) => e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e !== t);
      const by = {};
      for (const k of kids) by[k.name] = (by[k.name] ?? 0) + k.dur;
      const top = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`);
      console.log(`load ${i}: task at ${((t.ts - t0) / 1000).toFixed(0)} ms, ${(t.dur / 1000).toFixed(1)} ms: ${top.join('; ')}`);
    }
  }
} finally {
  child.kill();
}
