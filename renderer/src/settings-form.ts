import { byId, element, setText } from "./dom.js";
import {
  FIELD_NAMES,
  SETTING_FIELDS,
  type FieldSpec,
} from "./settings-fields.js";
import type { Transport } from "./transport.js";
import type { SettingIssue, SettingName, Settings } from "./types.js";

/** Shortest time between two reads of the settings that snapshots trigger, in milliseconds. */
const REFRESH_INTERVAL_MS = 2000;

interface Field {
  input: HTMLInputElement;
  issue: HTMLElement;
  spec: FieldSpec;
}

/**
 * The settings form. Fields the user has changed since the last load are
 * dirty, and a refresh of the settings leaves dirty and focused fields
 * alone, so pushed updates never overwrite what the user is typing. Only
 * dirty fields are sent, and the core's validation issues are shown beside
 * their fields.
 */
export class SettingsForm {
  private readonly fields = new Map<SettingName, Field>();
  private readonly dirty = new Set<SettingName>();
  private readonly status: HTMLElement;
  private readonly applyButton: HTMLButtonElement;
  private loaded: Settings | null = null;
  private refreshTimer: number | null = null;
  private lastRefreshAt = 0;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly transport: Transport,
  ) {
    const list = byId("settings-fields");
    for (const name of FIELD_NAMES) list.append(this.buildField(name));

    this.status = byId("settings-status");
    this.applyButton = byId<HTMLButtonElement>("settings-apply");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.apply();
    });
    byId("settings-revert").addEventListener("click", () => this.revert());
  }

  /** Reads the settings in force from the core and shows them in the fields the user is not editing. */
  async refresh(): Promise<void> {
    this.show(await this.transport.getSettings());
  }

  /**
   * Re-reads the settings within `REFRESH_INTERVAL_MS`, once however many
   * calls arrive in that time, so a burst of snapshots costs one read.
   */
  refreshSoon(reportError: (message: string) => void): void {
    if (this.refreshTimer !== null) return;

    const waitMs = Math.max(
      0,
      this.lastRefreshAt + REFRESH_INTERVAL_MS - Date.now(),
    );
    this.refreshTimer = window.setTimeout(() => {
      this.refreshTimer = null;
      this.lastRefreshAt = Date.now();
      this.refresh().catch((error: unknown) =>
        reportError(`Could not read the settings: ${(error as Error).message}`),
      );
    }, waitMs);
  }

  private buildField(name: SettingName): HTMLElement {
    const spec = SETTING_FIELDS[name];
    const row = element("div", `field field-${spec.kind}`);
    const id = `setting-${name}`;

    const input = element("input");
    input.id = id;
    input.name = name;
    input.type =
      spec.kind === "checkbox"
        ? "checkbox"
        : spec.kind === "integer"
          ? "number"
          : "text";
    if (spec.kind === "integer") input.step = "1";
    input.addEventListener("input", () => this.markDirty(name));
    input.addEventListener("change", () => this.markDirty(name));

    const label = element("label", "field-label", spec.label);
    label.htmlFor = id;
    const help = element("span", "field-help", spec.help);
    const issue = element("span", "field-issue");
    issue.id = `${id}-issue`;
    issue.setAttribute("role", "alert");
    input.setAttribute("aria-describedby", `${issue.id}`);

    row.append(label, input, help, issue);
    this.fields.set(name, { input, issue, spec });
    return row;
  }

  private show(settings: Settings): void {
    this.loaded = settings;
    for (const [name, field] of this.fields) {
      if (this.dirty.has(name) || document.activeElement === field.input)
        continue;
      writeValue(field, settings[name]);
    }
  }

  private markDirty(name: SettingName): void {
    this.dirty.add(name);
    const field = this.fields.get(name);
    if (field) setText(field.issue, "");
  }

  private revert(): void {
    this.dirty.clear();
    this.clearIssues();
    setText(this.status, "");
    if (this.loaded) this.show(this.loaded);
  }

  private async apply(): Promise<void> {
    const patch: Record<string, unknown> = {};
    for (const name of this.dirty) {
      const field = this.fields.get(name);
      if (field) patch[name] = readValue(field);
    }
    if (Object.keys(patch).length === 0) {
      setText(this.status, "Nothing changed.");
      return;
    }

    this.clearIssues();
    this.applyButton.disabled = true;
    try {
      const result = await this.transport.updateSettings(patch);
      if (result.ok) {
        for (const name of Object.keys(patch))
          this.dirty.delete(name as SettingName);
        this.show(result.settings);
        const changed = result.changed.map(
          (name) => SETTING_FIELDS[name].label,
        );
        setText(
          this.status,
          changed.length > 0 ? `Applied: ${changed.join(", ")}.` : "No change.",
        );
      } else {
        this.showIssues(result.issues);
      }
    } catch (error) {
      setText(
        this.status,
        `Could not apply the settings: ${(error as Error).message}`,
      );
    } finally {
      this.applyButton.disabled = false;
    }
  }

  private showIssues(issues: readonly SettingIssue[]): void {
    const unplaced: string[] = [];
    for (const issue of issues) {
      const field = this.fields.get(issue.setting as SettingName);
      if (field) setText(field.issue, issue.message);
      else unplaced.push(issue.message);
    }

    const summary =
      unplaced.length > 0 ? unplaced.join("; ") : "Fix the marked fields.";
    setText(this.status, `Not applied. ${summary}`);
  }

  private clearIssues(): void {
    for (const field of this.fields.values()) setText(field.issue, "");
  }
}

function writeValue(field: Field, value: Settings[SettingName]): void {
  if (field.spec.kind === "checkbox") field.input.checked = value === true;
  else field.input.value = String(value);
}

/** Reads a field as the core expects it; text that is not an integer goes as typed, and the core rejects it by name. */
function readValue(field: Field): unknown {
  if (field.spec.kind === "checkbox") return field.input.checked;

  const raw = field.input.value.trim();
  if (field.spec.kind === "integer" && /^-?\d+$/.test(raw)) return Number(raw);
  return raw;
}
