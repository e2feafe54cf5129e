import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { runInNewContext } from "node:vm";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { IPC_CHANNELS } from "../../preload/ipc-contract.cjs";
import { makeTempDir } from "./temp-dirs.js";

const run = promisify(execFile);

/** The calls the bundled preload made while running with only "electron" to require. */
interface SandboxRun {
  required: string[];
  exposed: Map<string, Record<string, unknown>>;
  invoked: unknown[][];
  sent: unknown[][];
}

/**
 * Runs the bundle in a fresh context whose require() resolves only
 * "electron", as a sandboxed preload's does for local files.
 */
function runSandboxed(code: string): SandboxRun {
  const result: SandboxRun = {
    required: [],
    exposed: new Map(),
    invoked: [],
    sent: [],
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (name: string, api: Record<string, unknown>) =>
        result.exposed.set(name, api),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        result.invoked.push(args);
        return Promise.resolve(null);
      },
      send: (...args: unknown[]) => result.sent.push(args),
      on: () => undefined,
      removeListener: () => undefined,
    },
  };
  const sandboxRequire = (name: string) => {
    result.required.push(name);
    if (name === "electron") return electron;
    throw new Error(`module not found: ${name}`);
  };

  const module = { exports: {} };
  runInNewContext(code, {
    require: sandboxRequire,
    module,
    exports: module.exports,
  });
  return result;
}

describe("preload bundle", () => {
  let outDir: Awaited<ReturnType<typeof makeTempDir>>;
  let code: string;

  beforeAll(async () => {
    outDir = await makeTempDir("preload-bundle");
    const outfile = join(outDir.path, "preload.cjs");
    await run(process.execPath, ["scripts/build-preload.mjs", outfile]);
    code = await readFile(outfile, "utf8");
  });

  afterAll(async () => {
    await outDir.remove();
  });

  it("requires only electron", () => {
    expect(runSandboxed(code).required).toEqual(["electron"]);
  });

  it("exposes the bridge", () => {
    const { exposed } = runSandboxed(code);

    expect([...exposed.keys()]).toEqual(["tokentap"]);
  });

  it("carries the channel names of the contract", () => {
    const sandbox = runSandboxed(code);
    const bridge = sandbox.exposed.get("tokentap")!;

    (bridge.setProxyEnabled as (enabled: boolean) => unknown)(false);
    (bridge.ready as () => void)();

    expect(sandbox.invoked).toEqual([[IPC_CHANNELS.setProxyEnabled, false]]);
    expect(sandbox.sent).toEqual([[IPC_CHANNELS.rendererReady]]);
  });
});
