// Writes into assets/loader.js the font faces the page draws its text in,
// which the loader looks up while the WebAssembly module downloads, so that
// the app's layouts after its mount find every face known.
//
// A cold renderer asks the browser process how to render each face it meets
// (and which face draws a character its own lacks): a synchronous call, made
// inside whichever layout first needs the face (tests/e2e/faces.mjs). The
// static frame's faces are looked up in its first layout, before the first
// paint; the others came in the app's staged renders after its mount, 6 to
// 31 ms of their layouts in traced cold loads. loader.js now looks each one
// up with a canvas's measureText, in small tasks of their own after the
// first paint. The list is not written by hand: this script loads the
// release build (dist/, `trunk build --release`) in headless Chromium as a
// first visit at each of tests/e2e/faces.mjs's windows, once its first trace
// is shown, and writes the faces of its HTML text (SVG text is set at its
// drawn size: the diagram's faces depend on the window, and are the static
// frame's anyway) between the markers. tests/e2e/fonts.spec.mjs fails when
// the list differs from the page's: change the page's type, rebuild, run
// this script, rebuild.
//
//   node scripts/font-faces.mjs [--root dist] [--port 4181] [--check]
//
// --check: prints whether loader.js's list is the page's, changes nothing
// (exit 1 when it differs).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BEGIN, END, faceList, listOf, listSource } from '../tests/e2e/faces.mjs';
import { cli, withBuild } from '../tests/e2e/launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..');
const { opt, flag } = cli();
const root = path.resolve(opt('root', path.join(repo, 'dist')));
const port = Number(opt('port', '4181'));
const check = flag('check');
const loaderPath = path.join(repo, 'assets', 'loader.js');

const faces = await withBuild({ root, port }, faceList);
const source = await fs.readFile(loaderPath, 'utf8');
const now = listOf(source);
if (now === null) throw new Error(`assets/loader.js has no ${BEGIN} … ${END} holding const FACES = [...]`);
const same = JSON.stringify(now) === JSON.stringify(faces);
console.log(`the page's HTML text is drawn in ${faces.length} faces:\n  ${faces.map((f) => `${f[0]}${f[1] ? ` (and ${f[1]})` : ''}`).join('\n  ')}`);
if (check) {
  console.log(same ? 'assets/loader.js looks up exactly these' : 'assets/loader.js looks up another list');
  process.exitCode = same ? 0 : 1;
} else if (same) {
  console.log('assets/loader.js is up to date');
} else {
  const b = source.indexOf(BEGIN) + BEGIN.length;
  await fs.writeFile(loaderPath, source.slice(0, b) + listSource(faces) + source.slice(source.indexOf(END)));
  console.log('assets/loader.js: list written; rebuild (trunk build --release)');
}
