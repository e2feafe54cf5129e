import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { afterEach, describe, expect, it } from "vitest";

import { FakeUpstream, delay, writeInParts } from "../support/fake-upstream.js";
import { send } from "../support/http-client.js";

const BIN = fileURLToPath(new URL("../../bin/tokentap.js", import.meta.url));

/** A `tokentap` process with its output collected. */
interface CliRun {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `tokentap`; history is off unless `env` turns it on, so no run writes to the home folder. */
function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TOKENTAP_HISTORY: "off", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => resolve(code)),
  );

  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits for the start line and returns the proxy URL it names. */
async function waitForListenUrl(run: CliRun): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const match = /listening on (http:\/\/\S+),/.exec(run.stderr());
    if (match?.[1]) return match[1];
    await delay(25);
  }
  throw new Error(`no start line within 5 s; stderr was:\n${run.stderr()}`);
}

describe("tokentap CLI", () => {
  const running: CliRun[] = [];
  let upstream: FakeUpstream | undefined;

  afterEach(async () => {
    for (const run of running.splice(0)) run.child.kill("SIGKILL");
    await upstream?.stop();
    upstream = undefined;
  });

  it("prints serve help", async () => {
    const run = runCli(["serve", "--help"]);

    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain("--listen HOST:PORT");
    expect(run.stdout()).toContain("TOKENTAP_UPSTREAM");
  });

  it("rejects an invalid listen address", async () => {
    const run = runCli(["serve", "--listen", "127.0.0.1:99999"]);

    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(
      'invalid --listen address "127.0.0.1:99999"',
    );
  });

  it("rejects an unknown command", async () => {
    const run = runCli(["launch"]);

    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('unknown command "launch"');
  });

  it("serves, names its addresses and stops on SIGTERM", async () => {
    upstream = await new FakeUpstream().start();
    const run = runCli(["serve", "--listen", "127.0.0.1:0"], {
      TOKENTAP_UPSTREAM: upstream.url.origin,
    });
    running.push(run);

    const url = await waitForListenUrl(run);
    const metrics = await send(`${url}/metrics`);
    run.child.kill("SIGTERM");

    expect(run.stderr()).toContain(`forwarding to ${upstream.url.origin}`);
    expect(run.stderr()).toContain(`metrics at ${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain("proxy stopped");
  });

  it("lets a stream finish after SIGINT", async () => {
    upstream = await new FakeUpstream().start();
    const lines = Array.from({ length: 6 }, (_, index) =>
      Buffer.from(`{"model":"m","response":"${index}","done":false}\n`),
    );
    upstream.setHandler(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      await writeInParts(res, lines, 50);
    });
    const run = runCli([
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--upstream",
      upstream.url.origin,
    ]);
    running.push(run);
    const url = await waitForListenUrl(run);

    const streaming = send(`${url}/api/generate`, {
      method: "POST",
      body: '{"model":"m"}',
    });
    await delay(80);
    run.child.kill("SIGINT");
    const reply = await streaming;

    expect(reply.body.equals(Buffer.concat(lines))).toBe(true);
    expect(await run.exited).toBe(0);
  });

  it("writes history to --data-dir and reads it back", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tokentap-cli-"));
    upstream = await new FakeUpstream().start();
    upstream.setHandler((_req, res) =>
      res.end(
        '{"model":"m","done":true,"eval_count":2,"eval_duration":1000000}',
      ),
    );
    const args = [
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--upstream",
      upstream.url.origin,
      "--data-dir",
      dataDir,
    ];

    const first = runCli(args, { TOKENTAP_HISTORY: "on" });
    running.push(first);
    const firstUrl = await waitForListenUrl(first);
    await send(`${firstUrl}/api/generate`, {
      method: "POST",
      body: '{"model":"m","stream":false}',
    });
    first.child.kill("SIGTERM");
    await first.exited;
    const file = await readFile(join(dataDir, "requests.jsonl"), "utf8");

    const second = runCli(args, { TOKENTAP_HISTORY: "on" });
    running.push(second);
    const secondUrl = await waitForListenUrl(second);
    const records = (
      await send(`${secondUrl}/tokentap/api/requests`)
    ).json() as unknown[];
    second.child.kill("SIGTERM");
    await second.exited;
    await rm(dataDir, { recursive: true, force: true });

    expect(file.trim().split("\n")).toHaveLength(1);
    expect(records).toHaveLength(1);
  });

  it("keeps no history file with --no-history", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tokentap-cli-"));
    const run = runCli([
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--no-history",
      "--data-dir",
      dataDir,
    ]);
    running.push(run);

    await waitForListenUrl(run);
    run.child.kill("SIGTERM");
    await run.exited;
    const created = existsSync(join(dataDir, "requests.jsonl"));
    await rm(dataDir, { recursive: true, force: true });

    expect(created).toBe(false);
  });

  it("rejects an invalid TOKENTAP_STORE_SIZE naming it", async () => {
    const run = runCli(["serve"], { TOKENTAP_STORE_SIZE: "0" });

    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(
      "invalid TOKENTAP_STORE_SIZE 0: use an integer from 1 to 1000000",
    );
  });

  it("reports GPU interval limits in seconds", async () => {
    const run = runCli(["serve", "--gpu-interval", "0.1"]);

    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(
      'invalid --gpu-interval "0.1": use 0.25 to 3600 seconds',
    );
  });

  it("warns when listening beyond loopback", async () => {
    const run = runCli([
      "serve",
      "--listen",
      "0.0.0.0:0",
      "--upstream",
      "http://127.0.0.1:9",
    ]);
    running.push(run);

    await waitForListenUrl(run);
    run.child.kill("SIGTERM");
    await run.exited;

    expect(run.stderr()).toMatch(/WARN .*beyond loopback/);
  });

  it("exits non-zero with a clear message on a taken port", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve()),
    );
    const port = (blocker.address() as { port: number }).port;

    const run = runCli(["serve", "--listen", `127.0.0.1:${port}`]);
    const code = await run.exited;
    blocker.close();

    expect(code).toBe(1);
    expect(run.stderr()).toContain(
      `port ${port} on 127.0.0.1 is already in use`,
    );
  });
});
