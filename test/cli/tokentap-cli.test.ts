import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
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

function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
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
