import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../../main/core/log.js";
import { LoadedModelsPoller } from "../../../main/core/upstream/loaded-models.js";
import { FakeUpstream, delay, waitUntil } from "../../support/fake-upstream.js";

const HOUR_MS = 3_600_000;

describe("LoadedModelsPoller", () => {
  let upstream: FakeUpstream;
  let poller: LoadedModelsPoller;
  let changes = 0;
  let psBody: unknown;

  beforeEach(async () => {
    upstream = await new FakeUpstream().start();
    psBody = { models: [] };
    upstream.setHandler((req, res) => {
      if (req.url !== "/api/ps") return res.writeHead(404).end();
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(psBody));
    });
    changes = 0;
    poller = new LoadedModelsPoller(
      () => upstream.url,
      silentLogger,
      () => (changes += 1),
      30,
    );
  });

  afterEach(async () => {
    poller.stop();
    await upstream.stop();
  });

  it("sends nothing while nobody watches", async () => {
    await delay(100);

    expect(upstream.received).toHaveLength(0);
  });

  it("reads the loaded models while watched", async () => {
    const expiresAt = new Date(Date.now() + HOUR_MS).toISOString();
    psBody = {
      models: [
        {
          name: "llama3.2:3b",
          model: "llama3.2:3b",
          size: 3_400_000_000,
          size_vram: 3_000_000_000,
          expires_at: expiresAt,
        },
      ],
    };

    const release = poller.watch();
    await waitUntil(() => changes > 0, "the first poll");
    release();

    expect(poller.current()).toEqual([
      {
        name: "llama3.2:3b",
        sizeBytes: 3_400_000_000,
        vramBytes: 3_000_000_000,
        expiresAt,
        overdue: false,
      },
    ]);
    expect(changes).toBe(1);
  });

  it("marks a model past its expiry as overdue", async () => {
    psBody = {
      models: [
        {
          name: "stuck:7b",
          size: 1,
          size_vram: 1,
          expires_at: new Date(Date.now() - 1000).toISOString(),
        },
      ],
    };

    const release = poller.watch();
    await waitUntil(() => changes > 0, "the first poll");
    release();

    expect(poller.current()[0]?.overdue).toBe(true);
  });

  it("treats a far-future expiry as none", async () => {
    psBody = {
      models: [{ name: "kept:7b", expires_at: "2318-01-01T00:00:00Z" }],
    };

    const release = poller.watch();
    await waitUntil(() => changes > 0, "the first poll");
    release();

    expect(poller.current()[0]?.expiresAt).toBeNull();
  });

  it("stops polling when the last watcher leaves", async () => {
    const release = poller.watch();
    await waitUntil(() => upstream.received.length > 0, "the first poll");
    release();

    // A poll already on its way may still land; none may start after it.
    await delay(60);
    const seen = upstream.received.length;
    await delay(150);

    expect(seen).toBeGreaterThan(0);
    expect(upstream.received.length).toBe(seen);
  });

  it("shows none for a server without /api/ps", async () => {
    upstream.setHandler((_req, res) => res.writeHead(404).end());

    const release = poller.watch();
    await waitUntil(() => upstream.received.length > 0, "the first poll");
    await delay(100);
    release();

    expect(poller.current()).toEqual([]);
    expect(upstream.received).toHaveLength(1);
  });
});
