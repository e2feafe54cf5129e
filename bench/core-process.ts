import { serveCommands } from "./command-server.js";
import {
  measureGraphicsStall,
  type GraphicsStallArgs,
} from "./core/graphics-stall.js";
import {
  measureHistoryAppend,
  type HistoryAppendArgs,
} from "./core/history-append.js";
import {
  measureHistoryLoad,
  type HistoryLoadArgs,
} from "./core/history-load.js";
import {
  measureSnapshotBuild,
  type SnapshotBuildArgs,
} from "./core/snapshot-build.js";

/**
 * Measurements of the core's own parts, each in a process that does nothing
 * else meanwhile, so that its timings and event-loop delays are its own.
 */

serveCommands({
  "history-load": (args) => measureHistoryLoad(args as HistoryLoadArgs),
  "history-append": (args) => measureHistoryAppend(args as HistoryAppendArgs),
  "snapshot-build": (args) => measureSnapshotBuild(args as SnapshotBuildArgs),
  "graphics-stall": (args) => measureGraphicsStall(args as GraphicsStallArgs),
});
