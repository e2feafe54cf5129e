// Bundles the preload and the IPC contract it imports into one CommonJS
// file, because a sandboxed preload can require only "electron" and a few
// built-in modules, never another local file.
//
// Usage: node scripts/build-preload.mjs [OUTFILE]
// OUTFILE defaults to dist/preload/preload.cjs, the path the window loads.
import { argv } from "node:process";
import { fileURLToPath, URL } from "node:url";

import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = argv[2] ?? `${root}dist/preload/preload.cjs`;

await build({
  entryPoints: [`${root}preload/preload.cts`],
  outfile,
  bundle: true,
  format: "cjs",
  platform: "node",
  // The Chromium and Node versions of Electron 40 run ES2022 natively.
  target: "es2022",
  external: ["electron"],
  sourcemap: "inline",
  logLevel: "warning",
});
