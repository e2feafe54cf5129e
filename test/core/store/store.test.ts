import { describe, expect, it } from "vitest";

import {
  createLogger,
  type Logger,
  silentLogger,
} from "../../../main/core/log.js";
import type { GpuSample, RequestRecord } from "../../../main/core/record.js";
import { MODEL_RATE_WINDOW } from "../../../main/core/store/model-tally.js";
import { MAX_STORE_CAPACITY, Store } from "../../../main/core/store/store.js";
import { makeErrorRecord, makeRecord } from "./make-record.js";

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    logger: createLogger((_level, line) => lines.push(line), "debug"),
    lines,
  };
}

function ids(records: readonly RequestRecord[]): string[] {
  return records.map((record) => record.id);
}

function addAll(store: Store, records: readonly RequestRecord[]): void {
  for (const record of records) store.add(record);
}

function gpuSample(overrides: Partial<GpuSample> = {}): GpuSample {
  return {
    index: 0,
    name: "NVIDIA H200",
    vendor: "nvidia",
    busId: "00000000:19:00.0",
    utilizationRatio: 0.5,
    memoryUsedBytes: 1024,
    memoryTotalBytes: 4096,
    temperatureCelsius: 40,
    powerWatts: 120,
    sampledAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

describe("Store options", () => {
  it("defaults to a capacity of 1000", () => {
    expect(new Store().capacity).toBe(1000);
  });

  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    MAX_STORE_CAPACITY + 1,
  ])("rejects capacity %s", (capacity) => {
    expect(() => new Store({ capacity })).toThrow(RangeError);
  });

  it("names the invalid capacity and the allowed range", () => {
    expect(() => new Store({ capacity: 0 })).toThrow(
      `Invalid store capacity 0: expected an integer from 1 to ${MAX_STORE_CAPACITY}.`,
    );
  });

  it("rejects a capacity given as a string", () => {
    expect(() => new Store({ capacity: "10" as unknown as number })).toThrow(
      /capacity 10/,
    );
  });

  it("rejects a maxModels of 0", () => {
    expect(() => new Store({ maxModels: 0 })).toThrow(/maxModels 0/);
  });
});

describe("Store ring", () => {
  it("returns recent records newest first", () => {
    const store = new Store({ capacity: 5 });
    const records = [makeRecord(), makeRecord(), makeRecord()];
    addAll(store, records);

    expect(ids(store.recent())).toEqual(ids(records).reverse());
  });

  it("keeps the newest records when it wraps", () => {
    const store = new Store({ capacity: 3 });
    const records = Array.from({ length: 7 }, () => makeRecord());
    addAll(store, records);

    expect(ids(store.recent())).toEqual(ids(records.slice(4)).reverse());
  });

  it("limits recent to the count asked for", () => {
    const store = new Store({ capacity: 5 });
    const records = [makeRecord(), makeRecord(), makeRecord()];
    addAll(store, records);

    expect(ids(store.recent(2))).toEqual([records[2]?.id, records[1]?.id]);
  });

  it("rejects a negative recent count", () => {
    expect(() => new Store().recent(-1)).toThrow(/Invalid count -1 for recent/);
  });

  it("keeps its copy when the caller changes the added record", () => {
    const store = new Store();
    const record = makeRecord({ model: "a" });

    store.add(record);
    record.model = "changed";

    expect(store.recent()[0]?.model).toBe("a");
  });

  it("returns frozen records", () => {
    const store = new Store();
    store.add(makeRecord());

    expect(Object.isFrozen(store.recent()[0])).toBe(true);
  });

  it("returns a new array on every read", () => {
    const store = new Store();
    store.add(makeRecord());

    store.recent().pop();

    expect(store.recent()).toHaveLength(1);
  });
});

describe("Store tokRates", () => {
  it("returns rates oldest first", () => {
    const store = new Store();
    addAll(
      store,
      [10, 20, 30].map((rate) => makeRecord({ tokensPerSecond: rate })),
    );

    expect(store.tokRates(3)).toEqual([10, 20, 30]);
  });

  it("returns the latest rates when asked for fewer", () => {
    const store = new Store();
    addAll(
      store,
      [10, 20, 30].map((rate) => makeRecord({ tokensPerSecond: rate })),
    );

    expect(store.tokRates(2)).toEqual([20, 30]);
  });

  it("skips records without a decode rate", () => {
    const store = new Store();
    store.add(makeRecord({ tokensPerSecond: 10 }));
    store.add(makeErrorRecord());
    store.add(makeRecord({ tokensPerSecond: 30 }));
    store.add(makeRecord({ tokensPerSecond: 99, doneReason: "load" }));

    expect(store.tokRates(2)).toEqual([10, 30]);
  });

  it("covers only records still in the ring", () => {
    const store = new Store({ capacity: 2 });
    addAll(
      store,
      [10, 20, 30].map((rate) => makeRecord({ tokensPerSecond: rate })),
    );

    expect(store.tokRates(5)).toEqual([20, 30]);
  });
});

describe("Store lastSeen", () => {
  it("returns the end time of the latest served request", () => {
    const store = new Store();
    store.add(makeRecord({ model: "a" }));
    const latest = makeRecord({ model: "a" });
    store.add(latest);

    expect(store.lastSeen("a")).toBe(latest.endedAt);
  });

  it("keeps models seen before the ring wrapped", () => {
    const store = new Store({ capacity: 2 });
    const old = makeRecord({ model: "old" });
    store.add(old);
    addAll(store, [makeRecord({ model: "new" }), makeRecord({ model: "new" })]);

    expect(store.recent().some((record) => record.model === "old")).toBe(false);
    expect(store.lastSeen("old")).toBe(old.endedAt);
  });

  it("returns null for a model never seen", () => {
    expect(new Store().lastSeen("missing")).toBeNull();
  });

  it("ignores failed requests that returned no output", () => {
    const store = new Store();
    store.add(makeErrorRecord({ model: "a" }));

    expect(store.lastSeen("a")).toBeNull();
  });

  it("counts an aborted request that returned output", () => {
    const store = new Store();
    const aborted = makeRecord({
      model: "a",
      outcome: "aborted",
      status: null,
      outputTokens: 3,
    });
    store.add(aborted);

    expect(store.lastSeen("a")).toBe(aborted.endedAt);
  });

  it("keeps the later live time over older preloaded history", () => {
    const store = new Store();
    const old = makeRecord({ model: "a" });
    const live = makeRecord({ model: "a" });
    store.add(live);

    store.preload([old]);

    expect(store.lastSeen("a")).toBe(live.endedAt);
  });
});

describe("Store byModel", () => {
  it("orders models busiest first, ties by name and null last", () => {
    const store = new Store();
    addAll(store, [
      makeRecord({ model: "b" }),
      makeRecord({ model: null }),
      makeRecord({ model: "c" }),
      makeRecord({ model: "c" }),
      makeRecord({ model: "a" }),
    ]);

    expect(store.byModel().map((stats) => stats.model)).toEqual([
      "c",
      "a",
      "b",
      null,
    ]);
  });

  it("computes counts, sums and rate statistics", () => {
    const store = new Store();
    addAll(store, [
      makeRecord({
        model: "a",
        tokensPerSecond: 10,
        outputTokens: 5,
        promptTokens: 1,
      }),
      makeRecord({
        model: "a",
        tokensPerSecond: 20,
        outputTokens: 6,
        promptTokens: 2,
      }),
      makeRecord({
        model: "a",
        tokensPerSecond: 60,
        outputTokens: 7,
        promptTokens: 3,
      }),
    ]);
    const last = makeErrorRecord({ model: "a" });
    store.add(last);

    const [stats] = store.byModel();

    expect(stats?.requests).toBe(4);
    expect(stats?.errors).toBe(1);
    expect(stats?.ratedRequests).toBe(3);
    expect(stats?.outputTokens).toBe(18);
    expect(stats?.promptTokens).toBe(6);
    expect(stats?.meanTokensPerSecond).toBe(30);
    expect(stats?.p50TokensPerSecond).toBe(20);
    // Rank 2 * 0.95 = 1.9, so 20 + 0.9 * (60 - 20).
    expect(stats?.p95TokensPerSecond).toBeCloseTo(56, 10);
  });

  it("reports null rates for a model with no rated requests", () => {
    const store = new Store();
    store.add(makeErrorRecord({ model: "a" }));

    const [stats] = store.byModel();

    expect(stats?.meanTokensPerSecond).toBeNull();
    expect(stats?.p50TokensPerSecond).toBeNull();
    expect(stats?.lastSeen).toBeNull();
  });

  it("counts records the ring has dropped", () => {
    const store = new Store({ capacity: 2 });
    addAll(
      store,
      Array.from({ length: 5 }, () =>
        makeRecord({ model: "a", outputTokens: 2 }),
      ),
    );

    const [stats] = store.byModel();

    expect(stats?.requests).toBe(5);
    expect(stats?.outputTokens).toBe(10);
  });

  it("computes percentiles over the latest window of rates", () => {
    const store = new Store();
    addAll(
      store,
      Array.from({ length: 50 }, () =>
        makeRecord({ model: "a", tokensPerSecond: 1000 }),
      ),
    );
    addAll(
      store,
      Array.from({ length: MODEL_RATE_WINDOW }, () =>
        makeRecord({ model: "a", tokensPerSecond: 5 }),
      ),
    );

    const [stats] = store.byModel();

    expect(stats?.p95TokensPerSecond).toBe(5);
    expect(stats?.meanTokensPerSecond).toBeGreaterThan(5);
  });

  it("leaves model loads out of the rate statistics", () => {
    const store = new Store();
    store.add(makeRecord({ model: "a", tokensPerSecond: 10 }));
    store.add(
      makeRecord({ model: "a", tokensPerSecond: 500, doneReason: "load" }),
    );

    const [stats] = store.byModel();

    expect(stats?.requests).toBe(2);
    expect(stats?.ratedRequests).toBe(1);
    expect(stats?.p95TokensPerSecond).toBe(10);
  });

  it("stops tracking new models at maxModels and logs once", () => {
    const { logger, lines } = captureLogger();
    const store = new Store({ maxModels: 2, logger });
    addAll(
      store,
      ["a", "b", "c", "d"].map((model) => makeRecord({ model })),
    );

    expect(store.byModel().map((stats) => stats.model)).toEqual(["a", "b"]);
    expect(store.totals().requests).toBe(4);
    expect(lines.filter((line) => line.includes("model limit"))).toHaveLength(
      1,
    );
  });
});

describe("Store percentiles", () => {
  it("computes p50 and p95 across the ring", () => {
    const store = new Store();
    addAll(
      store,
      [5, 1, 4, 2, 3].map((rate) => makeRecord({ tokensPerSecond: rate })),
    );
    store.add(makeErrorRecord());

    const result = store.percentiles();

    expect(result.p50).toBe(3);
    expect(result.p95).toBeCloseTo(4.8, 10);
    expect(result.samples).toBe(5);
  });

  it("returns null for an empty ring", () => {
    expect(new Store().percentiles()).toEqual({
      p50: null,
      p95: null,
      samples: 0,
    });
  });

  it("forgets rates the ring has dropped", () => {
    const store = new Store({ capacity: 2 });
    addAll(
      store,
      [1000, 10, 20].map((rate) => makeRecord({ tokensPerSecond: rate })),
    );

    expect(store.percentiles().p95).toBeCloseTo(19.5, 10);
  });

  it("updates after a new record", () => {
    const store = new Store();
    store.add(makeRecord({ tokensPerSecond: 10 }));
    store.percentiles();

    store.add(makeRecord({ tokensPerSecond: 30 }));

    expect(store.percentiles().p50).toBe(20);
  });
});

describe("Store preload", () => {
  it("places preloaded records behind live ones", () => {
    const store = new Store();
    const live = makeRecord();
    store.add(live);
    const history = [makeRecord(), makeRecord()];

    store.preload(history);

    expect(ids(store.recent())).toEqual([
      live.id,
      history[1]?.id,
      history[0]?.id,
    ]);
  });

  it("runs no listeners", () => {
    const store = new Store();
    const seen: string[] = [];
    store.onAdd((record) => {
      seen.push(record.id);
    });

    store.preload([makeRecord(), makeRecord()]);

    expect(seen).toEqual([]);
  });

  it("keeps live records and the newest history when over capacity", () => {
    const store = new Store({ capacity: 3 });
    const live = makeRecord();
    store.add(live);
    const history = Array.from({ length: 5 }, () => makeRecord());

    store.preload(history);

    expect(ids(store.recent())).toEqual([
      live.id,
      history[4]?.id,
      history[3]?.id,
    ]);
  });

  it("counts all of the history in byModel but not in totals", () => {
    const store = new Store({ capacity: 2 });

    store.preload(Array.from({ length: 5 }, () => makeRecord({ model: "a" })));

    expect(store.byModel()[0]?.requests).toBe(5);
    expect(store.totals().requests).toBe(0);
  });

  it("keeps live rates in a full model window", () => {
    const store = new Store();
    addAll(
      store,
      Array.from({ length: MODEL_RATE_WINDOW }, () =>
        makeRecord({ model: "a", tokensPerSecond: 5 }),
      ),
    );

    store.preload(
      Array.from({ length: 10 }, () =>
        makeRecord({ model: "a", tokensPerSecond: 1000 }),
      ),
    );

    expect(store.byModel()[0]?.p95TokensPerSecond).toBe(5);
  });

  it("keeps the ring order when live records follow", () => {
    const store = new Store({ capacity: 3 });
    const history = [makeRecord(), makeRecord()];
    store.preload(history);
    const live = [makeRecord(), makeRecord()];

    addAll(store, live);

    expect(ids(store.recent())).toEqual([
      live[1]?.id,
      live[0]?.id,
      history[1]?.id,
    ]);
  });
});

describe("Store listeners", () => {
  it("calls listeners with the added record", () => {
    const store = new Store();
    const seen: string[] = [];
    store.onAdd((record) => {
      seen.push(record.id);
    });
    const record = makeRecord();

    store.add(record);

    expect(seen).toEqual([record.id]);
  });

  it("stops calling a listener after unsubscribe", () => {
    const store = new Store();
    let calls = 0;
    const unsubscribe = store.onAdd(() => {
      calls += 1;
    });
    store.add(makeRecord());

    unsubscribe();
    unsubscribe();
    store.add(makeRecord());

    expect(calls).toBe(1);
  });

  it("survives a throwing listener and logs it", () => {
    const { logger, lines } = captureLogger();
    const store = new Store({ logger });
    const seen: string[] = [];
    store.onAdd(() => {
      throw new Error("listener broke");
    });
    store.onAdd((record) => {
      seen.push(record.id);
    });
    const record = makeRecord();

    expect(() => store.add(record)).not.toThrow();
    expect(seen).toEqual([record.id]);
    expect(store.recent()).toHaveLength(1);
    expect(
      lines.some(
        (line) =>
          line.includes("store listener failed") &&
          line.includes("listener broke"),
      ),
    ).toBe(true);
  });

  it("logs a listener whose promise rejects", async () => {
    const { logger, lines } = captureLogger();
    const store = new Store({ logger });
    store.onAdd(() => Promise.reject(new Error("async failure")));

    store.add(makeRecord());
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines.some((line) => line.includes("async failure"))).toBe(true);
  });

  it("rate-limits logs of a failing listener", () => {
    const { logger, lines } = captureLogger();
    const store = new Store({ logger });
    store.onAdd(() => {
      throw new Error("always");
    });

    addAll(
      store,
      Array.from({ length: 150 }, () => makeRecord()),
    );

    // The 1st and the 100th failure are logged.
    expect(lines).toHaveLength(2);
  });

  it("tolerates a throwing listener without a logger", () => {
    const store = new Store();
    store.onAdd(() => {
      throw new Error("ignored");
    });

    expect(() => store.add(makeRecord())).not.toThrow();
  });
});

describe("Store GPU samples", () => {
  it("returns an empty list before the first samples", () => {
    expect(new Store().gpu()).toEqual([]);
  });

  it("returns the latest samples", () => {
    const store = new Store();
    store.setGpu([gpuSample({ index: 0 })]);
    const latest = [
      gpuSample({ index: 0, powerWatts: null }),
      gpuSample({ index: 1 }),
    ];

    store.setGpu(latest);

    expect(store.gpu()).toEqual(latest);
  });

  it("keeps its copy when the caller changes the samples", () => {
    const store = new Store();
    const samples = [gpuSample({ utilizationRatio: 0.25 })];
    store.setGpu(samples);

    samples[0]!.utilizationRatio = 1;
    samples.push(gpuSample({ index: 1 }));

    expect(store.gpu()).toEqual([gpuSample({ utilizationRatio: 0.25 })]);
  });
});

describe("Store error", () => {
  it("returns null before any problem", () => {
    expect(new Store().error()).toBeNull();
  });

  it("keeps the message, the code and the time of an Error", () => {
    const store = new Store();
    const cause = Object.assign(
      new Error("listen EADDRINUSE: address already in use 127.0.0.1:4321"),
      {
        code: "EADDRINUSE",
      },
    );
    const at = new Date("2025-02-03T04:05:06.000Z");

    store.setError(cause, at);

    expect(store.error()).toEqual({
      message: "listen EADDRINUSE: address already in use 127.0.0.1:4321",
      code: "EADDRINUSE",
      at: "2025-02-03T04:05:06.000Z",
    });
  });

  it("keeps a plain message without a code", () => {
    const store = new Store();

    store.setError({ message: "upstream unreachable" });

    expect(store.error()).not.toHaveProperty("code");
  });

  it("clears the problem with clearError", () => {
    const store = new Store();
    store.setError({ message: "x" });

    store.clearError();

    expect(store.error()).toBeNull();
  });

  it("clears the problem with setError(null)", () => {
    const store = new Store();
    store.setError({ message: "x" });

    store.setError(null);

    expect(store.error()).toBeNull();
  });
});

describe("Store totals", () => {
  it("counts live requests, tokens, errors and aborts", () => {
    const store = new Store({ capacity: 2, logger: silentLogger });
    addAll(store, [
      makeRecord({ promptTokens: 3, outputTokens: 4 }),
      makeRecord({ promptTokens: 5, outputTokens: null }),
      makeErrorRecord({ outcome: "upstream_error", status: 502 }),
      makeRecord({
        outcome: "aborted",
        status: null,
        promptTokens: null,
        outputTokens: 2,
      }),
    ]);

    const totals = store.totals();

    expect(totals.requests).toBe(4);
    expect(totals.promptTokens).toBe(8);
    expect(totals.outputTokens).toBe(6);
    expect(totals.errors).toBe(1);
    expect(totals.aborted).toBe(1);
  });

  it("starts at zero with the creation time", () => {
    const before = Date.now();
    const totals = new Store().totals();

    expect(totals.requests).toBe(0);
    expect(Date.parse(totals.since)).toBeGreaterThanOrEqual(before);
  });
});

describe("Store.resize", () => {
  it("keeps the newest records when shrinking", () => {
    const store = new Store({ capacity: 5 });
    const records = Array.from({ length: 5 }, () => makeRecord());
    addAll(store, records);

    store.resize(2);

    expect(store.capacity).toBe(2);
    expect(ids(store.recent())).toEqual(ids(records.slice(3).reverse()));
  });

  it("keeps every record when growing", () => {
    const store = new Store({ capacity: 2 });
    const records = Array.from({ length: 2 }, () => makeRecord());
    addAll(store, records);

    store.resize(4);
    addAll(store, [makeRecord(), makeRecord()]);

    expect(store.recent()).toHaveLength(4);
  });

  it("leaves model counts alone", () => {
    const store = new Store({ capacity: 3 });
    addAll(store, [makeRecord(), makeRecord(), makeRecord()]);

    store.resize(1);

    expect(store.byModel()[0]?.requests).toBe(3);
  });

  it("rejects an invalid capacity", () => {
    const store = new Store({ capacity: 3 });

    expect(() => store.resize(0)).toThrow(RangeError);
    expect(store.capacity).toBe(3);
  });
});
