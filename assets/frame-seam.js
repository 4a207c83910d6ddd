// A seam in index.html's static first frame: scripts/static-frame.mjs puts
// this (classic, parser-blocking) script in the frame twice, just before the
// page's columns (after the address bar and its examples) and just before the
// diagram. The parser stops at each, in a task of its own, and this lays out
// what it has parsed so far, so the frame's first layout is done in three
// tasks instead of one: the address bar, then the controls, then the diagram
// and the inspector when parsing ends. Nothing is painted in between:
// index.html makes loader.js render-blocking, and it runs once the page is
// parsed (a paint of the first part alone, a frame ahead of the diagram's,
// put the diagram's first paint at 1.43x a bare Yew app's in the test
// command's runs, against 1.20x without a seam). In one task the layout ran
// 25 to 65 ms in traced cold loads on a 2-core machine, over a long task's
// 50 ms in 1 to 3 loads of 15; with the seam before the diagram alone, the
// first part still made a long task in 2 of 90 probed loads; with both, 0 of
// 90 (ARCHITECTURE.md, "The page").
// A link (`#…`) opens on something else: loader.js empties the frame, so
// there is nothing worth laying out.
if (location.hash.length <= 1) document.documentElement.getBoundingClientRect();
