// Bundles the dashboard page into dist/renderer/: app.js (the page's code
// with chart.js, one classic script so it also runs from file:// in
// Electron), index.html and styles.css.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "renderer");
const out = join(root, "dist", "renderer");

/** Folders whose code must never reach the page: it may import their types only. */
const FORBIDDEN = ["main", "preload"];

async function bundle() {
  const result = await build({
    entryPoints: [join(source, "src", "main.ts")],
    outfile: join(out, "app.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome120"],
    minify: true,
    sourcemap: "linked",
    metafile: true,
    absWorkingDir: root,
    logLevel: "silent",
    tsconfig: join(root, "tsconfig.renderer.json"),
  });

  const leaked = Object.keys(result.metafile.inputs).filter((input) =>
    FORBIDDEN.some((folder) => input.startsWith(`${folder}/`)),
  );
  if (leaked.length > 0) {
    throw new Error(
      `the page bundles ${leaked.join(", ")}; import from main/ and preload/ with "import type" only`,
    );
  }
}

async function main() {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await bundle();

  for (const name of ["index.html", "styles.css"]) {
    await copyFile(join(source, name), join(out, name));
  }
  process.stdout.write(
    `dashboard built in ${relative(process.cwd(), out) || "."}\n`,
  );
}

main().catch((error) => {
  const details = Array.isArray(error?.errors)
    ? error.errors
        .map((entry) => {
          const where = entry.location
            ? `${entry.location.file}:${entry.location.line}:${entry.location.column}: `
            : "";
          return `  ${where}${entry.text}`;
        })
        .join("\n")
    : `  ${error instanceof Error ? error.message : String(error)}`;

  process.stderr.write(`renderer build failed:\n${details}\n`);
  process.exitCode = 1;
});
