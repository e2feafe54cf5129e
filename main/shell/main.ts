// Entry point of the desktop app, run by Electron as the main process.
import { app, dialog } from "electron";
import electronLog from "electron-log/main";

import { describeError } from "../core/errors.js";
import { GpuSampler } from "../core/gpu/gpu-sampler.js";
import { startDesktopApp } from "./desktop-app.js";
import { createFileLogger } from "./log-file.js";
import { parseShellOptions, type ShellOptions } from "./shell-options.js";

function fail(title: string, error: unknown): void {
  // showErrorBox works before the app is ready, unlike other dialogs.
  dialog.showErrorBox(title, describeError(error));
  app.exit(1);
}

let shellOptions: ShellOptions | null = null;
try {
  shellOptions = parseShellOptions(process.argv);
} catch (error) {
  fail("Tokentap: invalid command line", error);
}

if (shellOptions) {
  const logger = createFileLogger(
    electronLog,
    app.getPath("logs"),
    shellOptions.logLevel,
  );
  logger.info("starting", { version: app.getVersion(), pid: process.pid });

  startDesktopApp({
    logger,
    shell: shellOptions,
    createGpuSampler: (intervalMs, onSamples, gpuLogger) =>
      new GpuSampler({ intervalMs, onSamples, logger: gpuLogger }),
  }).catch((error: unknown) => {
    logger.error("could not start", { error: describeError(error) });
    fail("Tokentap could not start", error);
  });
}
