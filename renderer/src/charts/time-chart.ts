import type { ChartDataset } from "chart.js";

import { formatClock } from "../format.js";
import { limitLines, type Line, type TimePoint } from "./line.js";
import { colorFor } from "./palette.js";
import { Chart } from "./register.js";
import { MIN_SPAN_MS, timeTicks } from "./time-ticks.js";

/** Axis and tooltip options of a time chart. */
export interface TimeChartOptions {
  /** Title of the y axis, with its unit. */
  yTitle: string;
  /** Formats a y value for the tooltip. */
  formatY: (value: number) => string;
  /** Formats a y value for the axis; `formatY` when absent. */
  formatTick?: (value: number) => string;
  /** Largest y value drawn, for ratios; the axis scales to the data when absent. */
  yMax?: number;
}

type LineDataset = ChartDataset<"line", TimePoint[]>;

/**
 * A line chart of values over time, one line per series. `update` changes
 * the datasets in place, so the chart is built once however many snapshots
 * arrive, and it mirrors the drawn values in the canvas's `data-points`
 * attribute as JSON (`{"label": [y, ...]}`) for tests and debugging.
 */
export class TimeChart {
  private readonly chart: Chart<"line", TimePoint[]>;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    options: TimeChartOptions,
  ) {
    this.chart = new Chart(canvas, {
      type: "line",
      data: { datasets: [] },
      options: {
        parsing: false,
        normalized: true,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: {
            type: "linear",
            afterBuildTicks: (scale) => {
              scale.ticks = timeTicks(scale.min, scale.max).map((value) => ({
                value,
              }));
            },
            ticks: {
              callback: (value) => formatClock(Number(value)),
              maxRotation: 0,
            },
          },
          y: {
            beginAtZero: true,
            max: options.yMax,
            title: { display: true, text: options.yTitle },
            ticks: {
              callback: (value) =>
                (options.formatTick ?? options.formatY)(Number(value)),
            },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: (items) =>
                items[0] ? formatClock(items[0].parsed.x ?? 0) : "",
              label: (item) =>
                `${item.dataset.label}: ${options.formatY(item.parsed.y ?? 0)}`,
            },
          },
        },
      },
    });
  }

  /** Replaces the drawn lines with `lines`, reusing the dataset of each label that stays. */
  update(lines: readonly Line[], yMax?: number): void {
    const kept = limitLines(lines);
    const datasets = this.chart.data.datasets;
    const labels = new Set(kept.map((line) => line.label));

    for (let index = datasets.length - 1; index >= 0; index -= 1) {
      if (!labels.has(datasets[index]?.label ?? "")) datasets.splice(index, 1);
    }

    for (const line of kept) {
      const dataset =
        datasets.find((entry) => entry.label === line.label) ??
        this.addDataset(line.label);
      dataset.data.splice(0, dataset.data.length, ...line.points);
    }

    this.fitScales(kept, yMax);
    this.chart.update("none");
    this.mirror(kept);
  }

  /** Shows at least `MIN_SPAN_MS` up to the latest point, and sets the y ceiling when given. */
  private fitScales(lines: readonly Line[], yMax: number | undefined): void {
    const scales = this.chart.options.scales;
    if (!scales?.x || !scales.y) return;

    const latest = Math.max(
      ...lines.flatMap((line) => line.points.map((point) => point.x)),
    );
    scales.x.suggestedMin = Number.isFinite(latest)
      ? latest - MIN_SPAN_MS
      : undefined;
    if (yMax !== undefined) scales.y.max = yMax;
  }

  private addDataset(label: string): LineDataset {
    const color = colorFor(label);
    const dataset: LineDataset = {
      label,
      data: [],
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      pointRadius: 2,
      pointHoverRadius: 4,
    };
    this.chart.data.datasets.push(dataset);
    return dataset;
  }

  private mirror(lines: readonly Line[]): void {
    const values = Object.fromEntries(
      lines.map((line) => [line.label, line.points.map((point) => point.y)]),
    );
    this.canvas.dataset.points = JSON.stringify(values);
    this.canvas
      .closest(".card")
      ?.classList.toggle("is-empty", lines.length === 0);
  }
}
