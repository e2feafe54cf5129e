import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { extractAll, listPackage } from "@electron/asar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { delay, FakeUpstream } from "../support/fake-upstream.js";
import { postJson, send } from "../support/http-client.js";

const run = promisify(execFile);

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE = JSON.parse(
  readFileSync(join(ROOT, "package.json"), "utf8"),
) as {
  version: string;
  dependencies: Record<string, string>;
};

/** A dir and tar.gz build took 10 to 16 s on a 2-core development machine, so the margin covers slow CI machines. */
const BUILD_TIMEOUT_MS = 180_000;
const SEVEN_ZIP = process.env.ELECTRON_BUILDER_7ZIP_PATH ?? "/usr/bin/7za";

/** Files the desktop app loads at start, relative to the app root. */
const APP_FILES = [
  "package.json",
  "dist/main/shell/main.js",
  "dist/main/core/tokentap.js",
  "dist/main/cli/main.js",
  "dist/preload/preload.cjs",
  "dist/renderer/index.html",
  "assets/icon.png",
  "assets/tray/tray-on.png",
  "assets/tray/tray-off-Template.png",
  "assets/tray/tray-error.ico",
];

const DEVELOPMENT_TOOLS = [
  "vitest",
  "typescript",
  "electron",
  "electron-builder",
  "playwright-core",
  "eslint",
  "esbuild",
  "prettier",
  "@electron/asar",
];

/** Starts the packed core under plain Node, so its imports resolve only inside the extracted app. */
const CORE_RUNNER = `
const { Tokentap } = await import(process.env.CORE_URL);
const { silentLogger } = await import(process.env.LOG_URL);
await import(process.env.GPU_SAMPLER_URL);

const tokentap = new Tokentap({
  settings: { listen: "127.0.0.1:0", upstream: process.env.UPSTREAM },
  dataDir: null,
  logger: silentLogger,
});
await tokentap.start();
process.stdout.write(JSON.stringify({ listenUrl: tokentap.listenUrl }) + "\\n");
process.on("SIGTERM", () => tokentap.stop(1000).then(() => process.exit(0)));
`;

const COUNTED_REQUEST =
  /^tokentap_requests_total\{[^}]*model="llama3\.2:3b"[^}]*\} 1$/m;

/** Scrapes `/metrics` every 50 ms until the body matches, at most 5 s, because the record lands just after the response ends. */
async function scrapeUntil(
  baseUrl: string,
  pattern: RegExp,
): Promise<{ status: number; body: string }> {
  let scrape = { status: 0, body: "" };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const reply = await send(`${baseUrl}/metrics`);
    scrape = { status: reply.status, body: reply.body.toString("utf8") };
    if (pattern.test(scrape.body)) break;
    await delay(50);
  }
  return scrape;
}

const IMPORT_SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;

/**
 * Returns the packages that the compiled code under `dir` imports or
 * requires with a literal specifier. Relative paths, Node's builtin modules
 * and `electron`, which the runtime provides, are left out.
 */
function importedPackages(dir: string): Set<string> {
  const packages = new Set<string>();
  const files = readdirSync(dir, {
    recursive: true,
    withFileTypes: true,
  }).filter((entry) => entry.isFile() && /\.(c|m)?js$/.test(entry.name));

  for (const file of files) {
    const code = readFileSync(join(file.parentPath, file.name), "utf8");
    for (const [, specifier = ""] of code.matchAll(IMPORT_SPECIFIER)) {
      if (specifier.startsWith(".") || isBuiltin(specifier)) continue;

      const segments = specifier.split("/");
      const name = specifier.startsWith("@")
        ? segments.slice(0, 2).join("/")
        : segments[0];
      if (name !== undefined && name !== "electron") packages.add(name);
    }
  }

  return packages;
}

function requireBuild(): void {
  const missing = APP_FILES.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(
      `Cannot package: ${missing.join(", ")} missing; run "npm run build" first.`,
    );
  }
  if (!existsSync(SEVEN_ZIP)) {
    throw new Error(
      `Cannot pack the tar.gz: 7za not found at ${SEVEN_ZIP}; install p7zip-full or set ELECTRON_BUILDER_7ZIP_PATH.`,
    );
  }
}

/** Writes a folder that electron-builder accepts as an unpacked Electron: one `electron` executable that only fails. */
async function writeElectronStub(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const executable = join(dir, "electron");
  await writeFile(
    executable,
    '#!/bin/sh\necho "stand-in for the Electron binary, which packaging tests cannot download" >&2\nexit 1\n',
  );
  await chmod(executable, 0o755);
}

/** Resolves with the first stdout line of `child` parsed as JSON, failing after `timeoutMs`. */
function readFirstJsonLine(
  child: ChildProcess,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `packed core printed nothing within ${timeoutMs} ms; stderr:\n${stderr}`,
          ),
        ),
      timeoutMs,
    );

    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;

      clearTimeout(timer);
      resolve(JSON.parse(stdout.slice(0, newline)));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`packed core exited with code ${code}; stderr:\n${stderr}`),
      );
    });
  });
}

describe("Linux package", () => {
  let workDir: string;
  let releaseDir: string;
  let appDir: string;
  let archive: string;
  let extracted: string;
  let entries: Set<string>;

  beforeAll(async () => {
    requireBuild();
    workDir = await mkdtemp(join(tmpdir(), "tokentap-package-"));
    releaseDir = join(workDir, "release");
    appDir = join(releaseDir, "linux-unpacked");
    archive = join(appDir, "resources", "app.asar");
    await writeElectronStub(join(workDir, "electron"));

    try {
      await run(
        process.execPath,
        [
          join(ROOT, "node_modules", "electron-builder", "cli.js"),
          "--linux",
          "dir",
          "tar.gz",
          `-c.electronDist=${join(workDir, "electron")}`,
          `-c.directories.output=${releaseDir}`,
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ELECTRON_SKIP_BINARY_DOWNLOAD: "1",
            ELECTRON_BUILDER_7ZIP_PATH: SEVEN_ZIP,
          },
          timeout: BUILD_TIMEOUT_MS,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (error) {
      const { stdout = "", stderr = "" } = error as {
        stdout?: string;
        stderr?: string;
      };
      throw new Error(`electron-builder failed:\n${stdout}${stderr}`);
    }

    entries = new Set(listPackage(archive, { isPack: false }));
    extracted = join(workDir, "extracted");
    extractAll(archive, extracted);
  }, BUILD_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("installs the Electron executable as tokentap", async () => {
    const executable = await stat(join(appDir, "tokentap"));

    expect(executable.mode & 0o111).not.toBe(0);
  });

  it.each(APP_FILES)("packs %s", (file) => {
    expect(entries.has(`/${file}`)).toBe(true);
  });

  it("packs no sources, tests, benchmarks or source maps", () => {
    const ownFiles = [...entries].filter(
      (entry) => !entry.startsWith("/node_modules/"),
    );
    const unwanted = ownFiles.filter(
      (entry) =>
        /^\/(main|preload|renderer|test|bench|scripts|deploy|docs|dist\/bench)(\/|$)/.test(
          entry,
        ) || /\.(map|ts|cts|mts)$/.test(entry),
    );

    expect(unwanted).toEqual([]);
  });

  it.each(Object.keys(PACKAGE.dependencies))(
    "packs the dependency %s",
    (name) => {
      expect(entries.has(`/node_modules/${name}/package.json`)).toBe(true);
    },
  );

  it("packs every package the compiled code imports", () => {
    const imported = [...importedPackages(join(extracted, "dist"))];
    const missing = imported.filter(
      (name) => !entries.has(`/node_modules/${name}/package.json`),
    );

    expect(imported.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it.each(DEVELOPMENT_TOOLS)("leaves out the development tool %s", (name) => {
    expect(entries.has(`/node_modules/${name}`)).toBe(false);
  });

  it("wraps the same app in the tar.gz", async () => {
    const tarball = join(releaseDir, `tokentap-${PACKAGE.version}.tar.gz`);
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const names = stdout.split("\n");

    expect(names).toContain(`tokentap-${PACKAGE.version}/tokentap`);
    expect(names).toContain(`tokentap-${PACKAGE.version}/resources/app.asar`);
  });

  describe("packed core under plain Node", () => {
    let upstream: FakeUpstream;
    let core: ChildProcess;
    let listenUrl: string;

    beforeAll(async () => {
      const moduleUrl = (path: string) =>
        pathToFileURL(join(extracted, "dist", "main", path)).href;

      upstream = await new FakeUpstream().start();
      upstream.setHandler((_req, res) =>
        res.end(
          '{"model":"llama3.2:3b","done":true,"eval_count":4,"eval_duration":80000000}',
        ),
      );

      core = spawn(
        process.execPath,
        ["--input-type=module", "-e", CORE_RUNNER],
        {
          cwd: extracted,
          env: {
            PATH: process.env.PATH,
            CORE_URL: moduleUrl("core/tokentap.js"),
            LOG_URL: moduleUrl("core/log.js"),
            GPU_SAMPLER_URL: moduleUrl("core/gpu/gpu-sampler.js"),
            UPSTREAM: upstream.url.origin,
          },
        },
      );
      ({ listenUrl } = (await readFirstJsonLine(core, 15_000)) as {
        listenUrl: string;
      });
    }, 30_000);

    afterAll(async () => {
      core?.kill("SIGTERM");
      await upstream?.stop();
    });

    it("forwards a request and counts it at /metrics", async () => {
      const forwarded = await postJson(`${listenUrl}/api/chat`, {
        model: "llama3.2:3b",
        stream: false,
      });
      const metrics = await scrapeUntil(listenUrl, COUNTED_REQUEST);

      expect(forwarded.status).toBe(200);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(COUNTED_REQUEST);
    });
  });
});
