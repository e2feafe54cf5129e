/**
 * Source of the probe process, run as `node -e` so the same text works from
 * the compiled `dist/` tree and from TypeScript sources under a test runner,
 * with no separate entry file to locate. The probe handles two requests over
 * the IPC channel:
 *
 * - `nvidia-smi`: runs nvidia-smi asynchronously and returns its output and
 *   exit status.
 * - `graphics`: loads systeminformation from the path in the request and
 *   returns `graphics().controllers`. systeminformation runs nvidia-smi with
 *   a synchronous exec and no timeout, which can block this process but never
 *   the proxy's event loop.
 *
 * The probe exits when its parent disconnects, so it does not outlive the
 * proxy.
 */
export const PROBE_SCRIPT = String.raw`
"use strict";
const { execFile } = require("node:child_process");

const MAX_OUTPUT_BYTES = 1024 * 1024;
let systeminformation = null;

function runNvidiaSmi(args) {
  return new Promise((resolve) => {
    const options = { windowsHide: true, maxBuffer: MAX_OUTPUT_BYTES };
    execFile("nvidia-smi", args, options, (error, stdout, stderr) => {
      // error.code is the exit status for a failed run, and a string such
      // as ENOENT when nvidia-smi could not start.
      const code = error ? error.code : 0;
      resolve({
        stdout: String(stdout),
        stderr: String(stderr),
        exitCode: typeof code === "number" ? code : null,
        errorCode: typeof code === "string" ? code : null,
        signal: error && error.signal ? error.signal : null,
      });
    });
  });
}

async function readControllers(modulePath) {
  if (systeminformation === null) systeminformation = require(modulePath);
  const data = await systeminformation.graphics();
  return { controllers: data && Array.isArray(data.controllers) ? data.controllers : [] };
}

function handle(request) {
  if (request.kind === "nvidia-smi") return runNvidiaSmi(request.args);
  if (request.kind === "graphics") return readControllers(request.modulePath);
  return Promise.reject(new Error("unknown probe request kind: " + request.kind));
}

function reply(message) {
  try {
    process.send(message);
  } catch {
    // The parent is gone; the disconnect handler ends this process.
  }
}

process.on("message", (request) => {
  handle(request).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error) => reply({ id: request.id, ok: false, message: String((error && error.message) || error) }),
  );
});
process.on("disconnect", () => process.exit(0));
`;
