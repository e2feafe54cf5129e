import type { ProxyStatus } from "../core/api/local-api.js";
import type { RequestRecord } from "../core/record.js";
import type { Snapshot } from "../core/snapshot/snapshot.js";
import type { ModelStats } from "../core/store/types.js";
import {
  capitalize,
  formatAge,
  formatCount,
  formatRate,
  hostPort,
  ollamaHostSetting,
  truncate,
  wrapLabel,
} from "./tray-format.js";

/** Requests the tray menu lists, newest first. */
export const TRAY_RECENT = 10;

/** Models the tray menu lists, busiest first. */
export const TRAY_MODELS = 3;

/** Characters a tray tooltip may have; Windows cuts tooltips at 127. */
export const TOOLTIP_MAX_LENGTH = 127;

/** State a tray icon shows. */
export type TrayIconState = "on" | "off" | "error";

/** One menu item as a plain object that Electron's `Menu.buildFromTemplate` accepts. */
export interface TrayMenuItem {
  label?: string;
  type?: "normal" | "separator" | "checkbox";
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

/** Handlers the menu items call when clicked. */
export interface TrayActions {
  setProxyEnabled(enabled: boolean): void;
  openDashboard(): void;
  openSettings(): void;
  copyText(text: string): void;
  quit(): void;
}

export interface TrayMenuOptions {
  actions: TrayActions;
  /** Listen address from the settings, shown while the proxy is not listening. */
  listen: string;
  /** Messages for the user, such as settings reset after a corrupt file. */
  notices?: readonly string[];
  /** Time the request ages are counted to. */
  now?: Date;
}

const SEPARATOR: TrayMenuItem = { type: "separator" };

/** Builds the tray menu for a snapshot, as a template for `Menu.buildFromTemplate`. */
export function buildTrayMenu(
  snapshot: Snapshot,
  options: TrayMenuOptions,
): TrayMenuItem[] {
  const { actions } = options;
  const now = options.now ?? new Date();

  return [
    ...statusItems(snapshot.proxy, options.listen),
    ...(options.notices ?? []).flatMap(infoLines),
    {
      type: "checkbox",
      label: "Proxy enabled",
      checked: snapshot.proxy.enabled,
      click: () => actions.setProxyEnabled(!snapshot.proxy.enabled),
    },
    SEPARATOR,
    ...recentItems(snapshot.recent, now, actions),
    ...modelItems(snapshot.models),
    SEPARATOR,
    ...commandItems(snapshot.proxy, actions),
    SEPARATOR,
    { label: "Quit Tokentap", click: () => actions.quit() },
  ];
}

/** Returns the icon state: error while the proxy has a problem, off while switched off or not listening. */
export function trayIconState(snapshot: Snapshot): TrayIconState {
  const { proxy } = snapshot;
  if (proxy.error) return "error";
  if (!proxy.enabled || proxy.listenUrl === null) return "off";
  return "on";
}

/** Builds the tray tooltip: the proxy state and the latest decode rate. */
export function trayTooltip(snapshot: Snapshot): string {
  const { proxy } = snapshot;
  let text: string;

  if (proxy.error) {
    text = `Tokentap: proxy error: ${problemSummary(proxy.error.message)}`;
  } else if (proxy.listenUrl === null) {
    text = "Tokentap: proxy not listening";
  } else {
    const state = proxy.enabled ? "on" : "off";
    text = `Tokentap: proxy ${state} at ${hostPort(proxy.listenUrl)}`;
    const last = snapshot.recent.find(
      (record) => record.tokensPerSecond !== null,
    );
    if (last) text += `, last ${formatRate(last.tokensPerSecond)}`;
  }

  return truncate(text, TOOLTIP_MAX_LENGTH);
}

/** Returns what to do about a proxy problem, in terms of the desktop app, or null when nothing is known. */
export function problemFix(problem: {
  message: string;
  code?: string;
}): string | null {
  const detail = problemDetail(problem.message);

  if (problem.code === "PORT_IN_USE") {
    return "Choose another listen port in Settings, or stop the program using the port";
  }
  if (problem.code === "LISTEN_FAILED") {
    return detail
      ? `Change the listen address in Settings: ${detail}`
      : "Change the listen address in Settings";
  }
  return detail ? capitalize(detail) : null;
}

function statusItems(proxy: ProxyStatus, listen: string): TrayMenuItem[] {
  const lines: string[] = [];

  if (proxy.error) {
    lines.push(
      ...wrapLabel(`Proxy error: ${problemSummary(proxy.error.message)}`),
    );
    const fix = problemFix(proxy.error);
    if (fix) lines.push(...wrapLabel(`Fix: ${fix}`));
  } else if (proxy.listenUrl === null) {
    lines.push(`Proxy not listening (${listen})`);
  } else if (proxy.enabled) {
    lines.push(`Proxy on at ${hostPort(proxy.listenUrl)}`);
  } else {
    lines.push(
      `Proxy off at ${hostPort(proxy.listenUrl)}: requests get status 503`,
    );
  }

  lines.push(`Upstream: ${proxy.upstream}`);
  if (proxy.warning) lines.push(...wrapLabel(`Warning: ${proxy.warning}`));

  return lines.map(infoItem);
}

function recentItems(
  recent: readonly RequestRecord[],
  now: Date,
  actions: TrayActions,
): TrayMenuItem[] {
  if (recent.length === 0) return [infoItem("No requests yet")];

  return [
    infoItem("Recent requests"),
    ...recent.slice(0, TRAY_RECENT).map((record) => ({
      label: recentLabel(record, now),
      click: () => actions.openDashboard(),
    })),
  ];
}

/** Formats one request as `mark model · rate · tokens · outcome · age`. */
export function recentLabel(record: RequestRecord, now: Date): string {
  const parts = [
    record.model ?? "(no model)",
    formatRate(record.tokensPerSecond),
    tokensLabel(record),
  ];

  const outcome = outcomeLabel(record);
  if (outcome) parts.push(outcome);
  parts.push(formatAge(record.endedAt, now));

  return `${outcomeMark(record)}${parts.join(" · ")}`;
}

function tokensLabel(record: RequestRecord): string {
  if (record.outputTokens === null) return "– tokens";
  const tokens = formatCount(record.outputTokens, "token");
  return record.estimated ? `~${tokens} (estimated)` : tokens;
}

function outcomeMark(record: RequestRecord): string {
  if (record.outcome === "error" || record.outcome === "upstream_error") {
    return "✕ ";
  }
  if (record.outcome === "aborted") return "⊘ ";
  return "";
}

function outcomeLabel(record: RequestRecord): string | null {
  switch (record.outcome) {
    case "ok":
      return null;
    case "error":
      return record.status === null ? "error" : `error ${record.status}`;
    case "upstream_error":
      return "upstream unreachable";
    case "aborted":
      return "aborted";
  }
}

function modelItems(models: readonly ModelStats[]): TrayMenuItem[] {
  if (models.length === 0) return [];

  return [
    SEPARATOR,
    infoItem("Busiest models"),
    ...models.slice(0, TRAY_MODELS).map((stats) => infoItem(modelLabel(stats))),
  ];
}

/** Formats one model as `model: N requests, p50 R tok/s`. */
export function modelLabel(stats: ModelStats): string {
  const model = stats.model ?? "(no model)";
  const requests = formatCount(stats.requests, "request");
  return `${model}: ${requests}, p50 ${formatRate(stats.p50TokensPerSecond)}`;
}

function commandItems(
  proxy: ProxyStatus,
  actions: TrayActions,
): TrayMenuItem[] {
  const listenUrl = proxy.listenUrl;

  return [
    { label: "Open Dashboard", click: () => actions.openDashboard() },
    listenUrl
      ? {
          label: `Copy ${ollamaHostSetting(listenUrl)}`,
          click: () => actions.copyText(ollamaHostSetting(listenUrl)),
        }
      : { label: "Copy OLLAMA_HOST setting", enabled: false },
    listenUrl
      ? {
          label: `Copy Metrics URL (${listenUrl}/metrics)`,
          click: () => actions.copyText(`${listenUrl}/metrics`),
        }
      : { label: "Copy Metrics URL", enabled: false },
    { label: "Settings…", click: () => actions.openSettings() },
  ];
}

/** Returns the part of a core error message before its fix, capitalized: "Port 4321 on 127.0.0.1 is already in use". */
function problemSummary(message: string): string {
  return capitalize(message.split("; ")[0] ?? message);
}

/** Returns the part of a core error message after the first "; ", which the core uses for the fix. */
function problemDetail(message: string): string | null {
  const index = message.indexOf("; ");
  return index < 0 ? null : message.slice(index + 2);
}

function infoLines(text: string): TrayMenuItem[] {
  return wrapLabel(text).map(infoItem);
}

function infoItem(label: string): TrayMenuItem {
  return { label, enabled: false };
}
