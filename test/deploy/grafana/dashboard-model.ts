import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A query of a panel, as Grafana stores it for a Prometheus data source. */
export interface PanelTarget {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}

/** The fields of a panel that the tests read. */
export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: PanelTarget[];
  panels?: Panel[];
}

/** A template variable of the dashboard. */
export interface TemplateVariable {
  type?: string;
  name?: string;
  query?: string | { query?: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
  multi?: boolean;
  includeAll?: boolean;
}

/** The fields of a Grafana dashboard (classic JSON model) that the tests read. */
export interface Dashboard {
  title?: string;
  uid?: string;
  schemaVersion?: number;
  templating?: { list?: TemplateVariable[] };
  panels?: Panel[];
}

const DASHBOARD_FILE = fileURLToPath(
  new URL("../../../deploy/grafana/tokentap-dashboard.json", import.meta.url),
);

/** Reads and parses the dashboard JSON. */
export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")) as Dashboard;
}

/** Returns every panel, rows included, with the panels of collapsed rows after their row. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [
    panel,
    ...(panel.panels ?? []),
  ]);
}

/** Returns the panels that query data, that is every panel except rows. */
export function dataPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((panel) => panel.type !== "row");
}

/** Returns the query text of a template variable, in either form Grafana stores it. */
export function variableQuery(variable: TemplateVariable): string {
  return typeof variable.query === "string"
    ? variable.query
    : (variable.query?.query ?? "");
}

/**
 * Replaces the dashboard variables in `expression` the way Grafana does
 * before sending it: `$__rate_interval` by a window, `$name` and `${name}`
 * by the given values.
 */
export function substituteVariables(
  expression: string,
  values: Record<string, string>,
  rateInterval: string,
): string {
  return expression
    .replaceAll("$__rate_interval", rateInterval)
    .replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (whole, braced?: string, bare?: string) => {
        const name = braced ?? bare ?? "";
        const value = values[name];
        if (value === undefined)
          throw new Error(
            `No value for dashboard variable ${whole} in ${expression}.`,
          );
        return value;
      },
    );
}
