import { describe, expect, it } from "vitest";

import {
  buildTrayMenu,
  problemFix,
  trayIconState,
  trayTooltip,
  TRAY_RECENT,
  type TrayActions,
  type TrayMenuItem,
} from "../../main/shell/tray-menu.js";
import { makeErrorRecord, makeRecord } from "../core/store/make-record.js";
import { makeModelStats, makeSnapshot } from "./make-snapshot.js";

const NOW = new Date("2025-01-01T01:00:00.000Z");

/** Records every action a menu item runs. */
function recordActions(): TrayActions & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    setProxyEnabled: (enabled) => calls.push(`setProxyEnabled(${enabled})`),
    openDashboard: () => calls.push("openDashboard"),
    openSettings: () => calls.push("openSettings"),
    copyText: (text) => calls.push(`copyText(${text})`),
    quit: () => calls.push("quit"),
  };
}

function labels(items: TrayMenuItem[]): string[] {
  return items
    .filter((item) => item.type !== "separator")
    .map((item) => item.label ?? "");
}

function find(items: TrayMenuItem[], prefix: string): TrayMenuItem {
  const item = items.find((entry) => entry.label?.startsWith(prefix));
  if (!item) {
    throw new Error(`no item "${prefix}" in ${labels(items).join(" | ")}`);
  }
  return item;
}

/** Returns the ISO 8601 time `secondsAgo` seconds before NOW. */
function endedAgo(secondsAgo: number): string {
  return new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
}

describe("buildTrayMenu", () => {
  it("lists the state, commands and no requests for an empty snapshot", () => {
    const items = buildTrayMenu(makeSnapshot(), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });

    expect(labels(items)).toEqual([
      "Proxy on at 127.0.0.1:4321",
      "Upstream: http://127.0.0.1:11434",
      "Proxy enabled",
      "No requests yet",
      "Open Dashboard",
      "Copy OLLAMA_HOST=127.0.0.1:4321",
      "Copy Metrics URL (http://127.0.0.1:4321/metrics)",
      "Settings…",
      "Quit Tokentap",
    ]);
  });

  it("shows the state lines as disabled items", () => {
    const items = buildTrayMenu(makeSnapshot(), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });

    expect(find(items, "Proxy on").enabled).toBe(false);
    expect(find(items, "Upstream").enabled).toBe(false);
  });

  it("checks the proxy checkbox while the proxy is on", () => {
    const items = buildTrayMenu(makeSnapshot(), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });
    const checkbox = find(items, "Proxy enabled");

    expect(checkbox.type).toBe("checkbox");
    expect(checkbox.checked).toBe(true);
  });

  it("lists requests with rate, tokens, marks and age", () => {
    const recent = [
      makeRecord({
        model: "qwen3:8b",
        tokensPerSecond: 42.14,
        outputTokens: 256,
        endedAt: endedAgo(12),
      }),
      makeErrorRecord({ model: "missing:1b", endedAt: endedAgo(30) }),
      makeRecord({
        outcome: "aborted",
        tokensPerSecond: 18,
        outputTokens: 7,
        endedAt: endedAgo(90),
      }),
      makeRecord({
        estimated: true,
        tokensPerSecond: 120.6,
        outputTokens: 31,
        endedAt: endedAgo(7200),
      }),
      makeRecord({
        outcome: "upstream_error",
        status: 502,
        model: null,
        tokensPerSecond: null,
        outputTokens: null,
        endedAt: endedAgo(3),
      }),
    ];

    const items = buildTrayMenu(makeSnapshot({ recent }), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });

    expect(labels(items)).toContain("Recent requests");
    expect(labels(items)).toContain(
      "qwen3:8b · 42.1 tok/s · 256 tokens · 12 s ago",
    );
    expect(labels(items)).toContain(
      "✕ missing:1b · – tok/s · – tokens · error 500 · 30 s ago",
    );
    expect(labels(items)).toContain(
      "⊘ llama3.2:3b · 18.0 tok/s · 7 tokens · aborted · 1 min ago",
    );
    expect(labels(items)).toContain(
      "llama3.2:3b · 121 tok/s · ~31 tokens (estimated) · 2 h ago",
    );
    expect(labels(items)).toContain(
      "✕ (no model) · – tok/s · – tokens · upstream unreachable · 3 s ago",
    );
  });

  it("lists at most ten requests, newest first", () => {
    const recent = Array.from({ length: 15 }, (_, index) =>
      makeRecord({ model: `model-${index}`, endedAt: endedAgo(index) }),
    );

    const items = buildTrayMenu(makeSnapshot({ recent }), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });
    const requestLabels = labels(items).filter((label) =>
      label.startsWith("model-"),
    );

    expect(requestLabels).toHaveLength(TRAY_RECENT);
    expect(requestLabels[0]).toMatch(/^model-0 /);
    expect(requestLabels.at(-1)).toMatch(/^model-9 /);
  });

  it("lists the three busiest models with p50 rates", () => {
    const models = [
      makeModelStats("qwen3:8b", { requests: 12, p50TokensPerSecond: 42.1 }),
      makeModelStats("llama3.2:3b", { requests: 1, p50TokensPerSecond: 88 }),
      makeModelStats(null, { requests: 3, p50TokensPerSecond: null }),
      makeModelStats("gemma3:1b", { requests: 1 }),
    ];

    const items = buildTrayMenu(makeSnapshot({ models }), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });
    const modelLabels = labels(items).filter((label) => label.includes("p50"));

    expect(labels(items)).toContain("Busiest models");
    expect(modelLabels).toEqual([
      "qwen3:8b: 12 requests, p50 42.1 tok/s",
      "llama3.2:3b: 1 request, p50 88.0 tok/s",
      "(no model): 3 requests, p50 – tok/s",
    ]);
  });

  it("shows the proxy switched off", () => {
    const items = buildTrayMenu(makeSnapshot({ proxy: { enabled: false } }), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });

    expect(labels(items)[0]).toBe(
      "Proxy off at 127.0.0.1:4321: requests get status 503",
    );
    expect(find(items, "Proxy enabled").checked).toBe(false);
  });

  it("shows a taken port with the fix", () => {
    const snapshot = makeSnapshot({
      proxy: {
        listenUrl: null,
        error: {
          code: "PORT_IN_USE",
          message:
            "port 4321 on 127.0.0.1 is already in use; choose another listen port (for example 127.0.0.1:4322) or stop the program using it",
          at: "2025-01-01T00:59:00.000Z",
        },
      },
    });

    const items = buildTrayMenu(snapshot, {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });
    const text = labels(items).join("\n");

    expect(text).toContain(
      "Proxy error: Port 4321 on 127.0.0.1 is already in use",
    );
    expect(text).toContain("Fix: Choose another listen port in Settings");
    expect(text).not.toContain("--listen");
  });

  it("disables the copy items while the proxy is not listening", () => {
    const snapshot = makeSnapshot({
      proxy: {
        listenUrl: null,
        error: { code: "PORT_IN_USE", message: "port 4321 is in use", at: "" },
      },
    });

    const items = buildTrayMenu(snapshot, {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      now: NOW,
    });

    expect(find(items, "Copy OLLAMA_HOST").enabled).toBe(false);
    expect(find(items, "Copy Metrics URL").enabled).toBe(false);
  });

  it("shows the beyond-loopback warning", () => {
    const warning =
      "listening on 0.0.0.0, beyond loopback: anyone who can reach this port can use the model server through plain HTTP without authentication";
    const items = buildTrayMenu(
      makeSnapshot({ proxy: { warning, listenUrl: "http://127.0.0.1:4321" } }),
      { actions: recordActions(), listen: "0.0.0.0:4321", now: NOW },
    );
    const all = labels(items);
    const warningLines = all.slice(
      all.findIndex((label) => label.startsWith("Warning:")),
      all.indexOf("Proxy enabled"),
    );

    expect(warningLines.join(" ")).toBe(`Warning: ${warning}`);
    expect(warningLines.every((label) => label.length <= 60)).toBe(true);
  });

  it("shows notices under the state", () => {
    const items = buildTrayMenu(makeSnapshot(), {
      actions: recordActions(),
      listen: "127.0.0.1:4321",
      notices: ["Settings were reset to the defaults."],
      now: NOW,
    });

    expect(labels(items)).toContain("Settings were reset to the defaults.");
  });

  it("runs the actions of its items", () => {
    const actions = recordActions();
    const items = buildTrayMenu(makeSnapshot(), {
      actions,
      listen: "127.0.0.1:4321",
      now: NOW,
    });

    for (const prefix of [
      "Proxy enabled",
      "Open Dashboard",
      "Copy OLLAMA_HOST",
      "Copy Metrics URL",
      "Settings",
      "Quit",
    ]) {
      find(items, prefix).click?.();
    }

    expect(actions.calls).toEqual([
      "setProxyEnabled(false)",
      "openDashboard",
      "copyText(OLLAMA_HOST=127.0.0.1:4321)",
      "copyText(http://127.0.0.1:4321/metrics)",
      "openSettings",
      "quit",
    ]);
  });
});

describe("trayIconState", () => {
  it("is on while the proxy listens and is enabled", () => {
    expect(trayIconState(makeSnapshot())).toBe("on");
  });

  it("is off while the proxy is switched off", () => {
    expect(trayIconState(makeSnapshot({ proxy: { enabled: false } }))).toBe(
      "off",
    );
  });

  it("is error while the proxy has a problem", () => {
    const snapshot = makeSnapshot({
      proxy: { listenUrl: null, error: { message: "port in use", at: "" } },
    });
    expect(trayIconState(snapshot)).toBe("error");
  });
});

describe("trayTooltip", () => {
  it("names the state and the latest decode rate", () => {
    const recent = [
      makeRecord({ tokensPerSecond: null }),
      makeRecord({ tokensPerSecond: 37.24 }),
    ];
    expect(trayTooltip(makeSnapshot({ recent }))).toBe(
      "Tokentap: proxy on at 127.0.0.1:4321, last 37.2 tok/s",
    );
  });

  it("names the state alone before any request", () => {
    expect(trayTooltip(makeSnapshot({ proxy: { enabled: false } }))).toBe(
      "Tokentap: proxy off at 127.0.0.1:4321",
    );
  });

  it("names the problem within the Windows tooltip length", () => {
    const snapshot = makeSnapshot({
      proxy: {
        listenUrl: null,
        error: { message: `port 4321 ${"is taken ".repeat(30)}`, at: "" },
      },
    });
    const tooltip = trayTooltip(snapshot);

    expect(tooltip).toMatch(/^Tokentap: proxy error: Port 4321 is taken/);
    expect(tooltip.length).toBeLessThanOrEqual(127);
  });
});

describe("problemFix", () => {
  it("points a listen failure at Settings with the core's advice", () => {
    expect(
      problemFix({
        code: "LISTEN_FAILED",
        message:
          "permission denied listening on 127.0.0.1:80; choose a port above 1023",
      }),
    ).toBe("Change the listen address in Settings: choose a port above 1023");
  });

  it("returns null when the message has no advice", () => {
    expect(problemFix({ message: "something broke" })).toBeNull();
  });
});
