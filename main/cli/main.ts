import { readFileSync } from "node:fs";

import { TokentapError } from "../core/errors.js";
import { GpuSampler } from "../core/gpu/gpu-sampler.js";
import { createStderrLogger } from "../core/log.js";
import { Tokentap } from "../core/tokentap.js";
import { parseServeOptions, SERVE_HELP } from "./serve-options.js";

const USAGE = `Usage: tokentap <command> [options]

Commands:
  serve      run the proxy headless (tokentap serve --help for its options)
  help       show this help
  version    print the version

Tokentap is a transparent proxy for local language model servers that reads
token counts and timings off each response and serves them at /metrics.
`;

/** Runs the CLI and resolves to the process exit code, or never resolves while serving. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;

  switch (command) {
    case "serve":
      return serve(rest);
    case undefined:
    case "help":
    case "-h":
    case "--help":
      process.stdout.write(USAGE);
      return 0;
    case "version":
    case "--version":
      process.stdout.write(`${readVersion()}\n`);
      return 0;
    default:
      process.stderr.write(
        `tokentap: unknown command "${command}"\n\n${USAGE}`,
      );
      return 2;
  }
}

async function serve(args: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseServeOptions(args, process.env);
  } catch (error) {
    process.stderr.write(`tokentap serve: ${(error as Error).message}\n`);
    return 2;
  }

  if (options === "help") {
    process.stdout.write(SERVE_HELP);
    return 0;
  }

  const logger = createStderrLogger(options.logLevel);
  const tokentap = new Tokentap({
    settings: options.settings,
    dataDir: options.dataDir,
    allowedHosts: options.allowedHosts,
    logger,
    createGpuSampler: (intervalMs, onSamples, gpuLogger) =>
      new GpuSampler({ intervalMs, onSamples, logger: gpuLogger }),
  });

  try {
    await tokentap.start();
  } catch (error) {
    // The core already logged it; a taken port is a usage problem, not a crash.
    await tokentap.stop(0);
    return error instanceof TokentapError ? 1 : 70;
  }

  return waitForStopSignal(tokentap, options.graceMs, logger);
}

/**
 * Resolves with exit code 0 after SIGINT or SIGTERM has stopped the core; a
 * second signal exits at once without waiting for streams in flight.
 */
function waitForStopSignal(
  tokentap: Tokentap,
  graceMs: number,
  logger: ReturnType<typeof createStderrLogger>,
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;

    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn("second stop signal; exiting without waiting", { signal });
        process.exit(130);
      }

      stopping = true;
      logger.info("stopping", { signal, graceSeconds: graceMs / 1000 });
      tokentap.stop(graceMs).then(
        () => resolve(0),
        (error: unknown) => {
          logger.error("stop failed", { error: (error as Error).message });
          resolve(1);
        },
      );
    };

    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function readVersion(): string {
  const packageUrl = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(packageUrl, "utf8")) as { version: string })
    .version;
}
