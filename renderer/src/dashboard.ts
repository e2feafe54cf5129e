import { ModelBarsChart } from "./charts/model-bars.js";
import {
  gpuMemoryCeiling,
  gpuMemoryLines,
  gpuUtilizationLines,
  rateLines,
  ttftLines,
} from "./charts/series-lines.js";
import { TimeChart } from "./charts/time-chart.js";
import { byId, setText } from "./dom.js";
import {
  formatClock,
  formatCount,
  formatDuration,
  formatRate,
} from "./format.js";
import { HistoryPanel } from "./history-panel.js";
import { LoadedModelsTable } from "./loaded-models-table.js";
import { ProxyPanel } from "./proxy-panel.js";
import { RequestsTable } from "./requests-table.js";
import { SettingsForm } from "./settings-form.js";
import { TotalsPanel } from "./totals-panel.js";
import type { ConnectionState, Transport } from "./transport.js";
import type { Snapshot } from "./types.js";

/** Every view of the page, drawn from one snapshot at a time. */
export class Dashboard {
  private readonly proxy: ProxyPanel;
  private readonly totals = new TotalsPanel();
  private readonly rateChart = new TimeChart(canvas("rate-chart"), {
    yTitle: "tokens per second",
    formatY: formatRate,
    formatTick: formatCount,
  });
  private readonly ttftChart = new TimeChart(canvas("ttft-chart"), {
    yTitle: "time to first token",
    formatY: formatDuration,
  });
  private readonly modelBars = new ModelBarsChart(canvas("model-chart"));
  private readonly gpuUtilChart = new TimeChart(canvas("gpu-util-chart"), {
    yTitle: "utilisation, %",
    formatY: (value) => `${formatCount(value)} %`,
    yMax: 100,
  });
  private readonly gpuMemoryChart = new TimeChart(canvas("gpu-memory-chart"), {
    yTitle: "memory used, GiB",
    formatY: (value) => `${formatRate(value)} GiB`,
    formatTick: (value) => `${formatCount(value)} GiB`,
  });
  private readonly requests = new RequestsTable(
    byId<HTMLTableSectionElement>("requests-body"),
  );
  private readonly loadedModels = new LoadedModelsTable(
    byId<HTMLTableSectionElement>("loaded-models-body"),
  );
  private readonly history: HistoryPanel;
  readonly settings: SettingsForm;
  private readonly pageError = byId("page-error");
  private latest = "";

  constructor(transport: Transport) {
    const report = (message: string) => this.showError(message);
    this.proxy = new ProxyPanel(transport, report);
    this.history = new HistoryPanel(transport, report);
    this.settings = new SettingsForm(
      byId<HTMLFormElement>("settings-form"),
      transport,
    );
    setText(byId("transport-kind"), transport.kind === "ipc" ? "IPC" : "HTTP");
  }

  /** Draws `snapshot` unless a newer one was drawn already, as when a push overtakes a request. */
  render(snapshot: Snapshot): void {
    if (snapshot.takenAt < this.latest) return;
    this.latest = snapshot.takenAt;

    this.proxy.update(snapshot.proxy);
    this.totals.update(snapshot);
    this.rateChart.update(rateLines(snapshot.series));
    this.ttftChart.update(ttftLines(snapshot.series));
    this.modelBars.update(snapshot.models);
    this.gpuUtilChart.update(gpuUtilizationLines(snapshot.gpu.series));
    this.gpuMemoryChart.update(
      gpuMemoryLines(snapshot.gpu.series),
      gpuMemoryCeiling(snapshot.gpu.series),
    );
    this.requests.update(snapshot.recent);
    this.loadedModels.update(
      snapshot.loadedModels,
      Date.parse(snapshot.takenAt),
    );
    this.history.update(snapshot.history);
    setText(byId("snapshot-time"), formatClock(snapshot.takenAt));

    // The core pushes a snapshot after every settings change, wherever it was made.
    this.settings.refreshSoon((message) => this.showError(message));
  }

  showConnection(state: ConnectionState): void {
    const live = byId("connection");
    setText(live, state === "live" ? "live" : "reconnecting…");
    live.classList.toggle("is-down", state !== "live");
  }

  showError(message: string | null): void {
    this.pageError.hidden = message === null;
    setText(this.pageError, message ?? "");
  }
}

function canvas(id: string): HTMLCanvasElement {
  return byId<HTMLCanvasElement>(id);
}
