// Writes the app's first frame into index.html as its static first frame.
//
// index.html's #app holds, as plain HTML, exactly what the app renders in
// its first frame (the address bar, the playback controls, the diagram, the
// inspector: the first of src/app.rs's stages) for a first visit with no link. The browser
// paints it before any WebAssembly arrives; it is inert (nothing in it can
// be focused or clicked) until src/main.rs replaces it with the live app in
// one task, so the swap paints nothing new. It is not written by hand: this
// script loads the release build (dist/, `trunk build --release`) in
// headless Chromium, takes the app's first frame as that frame's animation
// callback sees it (tests/e2e/frame.mjs) and writes it between the markers,
// with one addition the app never renders: two seams, before the columns and
// before the diagram (`<script src="./frame-seam.js">`, assets/frame-seam.js),
// where the parser stops and lays out what it has, so the first layout is
// done in three tasks.
// tests/e2e/static-frame.spec.mjs fails whenever the two differ: change the
// first stage's components, rebuild, run this script, rebuild.
//
//   node scripts/static-frame.mjs [--root dist] [--port 4179] [--check]
//
// --check: prints whether index.html's frame is the app's, changes nothing
// (exit 1 when it differs).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BEGIN, END, FIRST_FRAME, staticFrameOf, withSeams } from '../tests/e2e/frame.mjs';
import { cli, withBuild } from '../tests/e2e/launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..');
const { opt, flag } = cli();
const root = path.resolve(opt('root', path.join(repo, 'dist')));
const port = Number(opt('port', '4179'));
const check = flag('check');
const indexPath = path.join(repo, 'index.html');

// A first visit (a fresh context: no storage), no link.
const frame = await withBuild({ root, port }, async (browser, url) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.addInitScript({ content: FIRST_FRAME });
  await page.goto(url);
  // The app's first frame, with the seams (assets/frame-seam.js) before the
  // columns and before the diagram: the parser lays the frame out in three
  // tasks, not one.
  return withSeams(await page.evaluate(() => window.__firstFrame));
});

if (/\sstyle="/.test(frame)) {
  throw new Error('the first frame has a style attribute, which the CSP (style-src \'self\') would refuse in index.html');
}
const html = await fs.readFile(indexPath, 'utf8');
const now = staticFrameOf(html);
if (now === null) throw new Error(`index.html has no ${BEGIN} … ${END}`);
if (check) {
  console.log(now === frame ? 'index.html\'s static frame is the app\'s first frame' : 'index.html\'s static frame differs from the app\'s first frame');
  process.exitCode = now === frame ? 0 : 1;
} else if (now === frame) {
  console.log(`index.html's static frame is up to date (${frame.length} bytes)`);
} else {
  const b = html.indexOf(BEGIN) + BEGIN.length;
  await fs.writeFile(indexPath, html.slice(0, b) + frame + html.slice(html.indexOf(END)));
  console.log(`index.html: static frame written (${frame.length} bytes); rebuild (trunk build --release)`);
}
