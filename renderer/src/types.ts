// Types the page shares with the core and the preload. Every import here is
// type-only, so nothing from main/ or preload/ reaches the bundle.
export type { TokentapBridge } from "../../preload/ipc-contract.cjs";
export type { ProxyStatus } from "../../main/core/api/local-api.js";
export type {
  GpuSample,
  RateSource,
  RequestRecord,
} from "../../main/core/record.js";
export type {
  SettingName,
  Settings,
} from "../../main/core/settings/settings.js";
export type { SettingsUpdateResult } from "../../main/core/settings/update-result.js";
export type { SettingIssue } from "../../main/core/settings/validate.js";
export type { GpuSeries } from "../../main/core/snapshot/gpu-series.js";
export type {
  RequestPoint,
  Snapshot,
} from "../../main/core/snapshot/snapshot.js";
export type { RecordWithText } from "../../main/core/store/captured-text.js";
export type { ModelStats, StoreTotals } from "../../main/core/store/types.js";
export type { LoadedModel } from "../../main/core/upstream/loaded-models.js";
