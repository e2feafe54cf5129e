import type { ChartDataset } from "chart.js";

import { formatRate } from "../format.js";
import type { ModelStats } from "../types.js";
import { NO_MODEL } from "./series-lines.js";
import { Chart } from "./register.js";

/** Most models the bar chart shows; the snapshot lists the busiest first. */
export const MAX_BAR_MODELS = 12;

/** The three bars per model, with the statistic each reads. */
const BARS = [
  {
    label: "mean",
    color: "#94a3b8",
    read: (model: ModelStats) => model.meanTokensPerSecond,
  },
  {
    label: "p50",
    color: "#2563eb",
    read: (model: ModelStats) => model.p50TokensPerSecond,
  },
  {
    label: "p95",
    color: "#1e3a8a",
    read: (model: ModelStats) => model.p95TokensPerSecond,
  },
] as const;

type BarDataset = ChartDataset<"bar", (number | null)[]>;

/**
 * Bars of the mean, median and 95th percentile decode rate per model. The
 * canvas mirrors the drawn values in `data-labels` (model names) and
 * `data-points` (`{"mean": [...], "p50": [...], "p95": [...]}`).
 */
export class ModelBarsChart {
  private readonly chart: Chart<"bar", (number | null)[], string>;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const datasets: BarDataset[] = BARS.map((bar) => ({
      label: bar.label,
      data: [],
      backgroundColor: bar.color,
    }));

    this.chart = new Chart<"bar", (number | null)[], string>(canvas, {
      type: "bar",
      data: { labels: [] as string[], datasets },
      options: {
        scales: {
          y: {
            beginAtZero: true,
            title: { display: true, text: "tokens per second" },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label}: ${formatRate(item.parsed.y)} tok/s`,
            },
          },
        },
      },
    });
  }

  /** Redraws the bars of the rated models, changing the labels and datasets in place. */
  update(models: readonly ModelStats[]): void {
    const rated = models
      .filter((model) => model.ratedRequests > 0)
      .slice(0, MAX_BAR_MODELS);
    const labels = this.chart.data.labels ?? [];
    labels.splice(
      0,
      labels.length,
      ...rated.map((model) => model.model ?? NO_MODEL),
    );

    BARS.forEach((bar, index) => {
      const data = this.chart.data.datasets[index]?.data;
      data?.splice(0, data.length, ...rated.map(bar.read));
    });

    this.chart.update("none");
    this.mirror(labels, rated);
  }

  private mirror(
    labels: readonly string[],
    rated: readonly ModelStats[],
  ): void {
    const values = Object.fromEntries(
      BARS.map((bar) => [bar.label, rated.map(bar.read)]),
    );
    this.canvas.dataset.labels = JSON.stringify(labels);
    this.canvas.dataset.points = JSON.stringify(values);
    this.canvas
      .closest(".card")
      ?.classList.toggle("is-empty", rated.length === 0);
  }
}
