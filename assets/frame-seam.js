// A seam in index.html's static first frame: scripts/static-frame.mjs puts
// this (classic, parser-blocking) script in the frame just before the
// diagram. The parser stops here, in a task of its own, and this lays out
// what it has parsed so far (the header, the address bar, the controls), so
// the frame's first layout is done in two tasks instead of one: the diagram
// and the inspector are laid out when parsing ends. Nothing is painted in
// between: index.html makes loader.js render-blocking, and it runs once the
// page is parsed (a paint of the first part alone, a frame ahead of the
// diagram's, put the diagram's first paint at 1.43x a bare Yew app's in the
// test command's runs, against 1.20x without the seam). In one task it ran 25
// to 65 ms in traced cold loads on a 2-core machine, over a long task's
// 50 ms in 1 to 3 loads of 15; the two ran 13 to 22 ms each
// (ARCHITECTURE.md, "The page").
// A link (`#…`) opens on something else: loader.js empties the frame, so
// there is nothing worth laying out.
if (location.hash.length <= 1) document.documentElement.getBoundingClientRect();
