import { type ChildProcess, spawn } from "node:child_process";

import { GpuSampleError } from "./gpu-sample-error.js";
import { PROBE_SCRIPT } from "./probe-script.js";

/** A request the probe process understands. */
export type ProbeRequest =
  | { kind: "nvidia-smi"; args: readonly string[] }
  | { kind: "graphics"; modulePath: string };

interface PendingReply {
  resolve(result: unknown): void;
  reject(error: GpuSampleError): void;
  timer: NodeJS.Timeout;
}

const STDERR_TAIL_CHARS = 2000;

// A process group lets `kill` reach the tools the probe started as well,
// such as a hung nvidia-smi. Windows has no process groups.
const USE_PROCESS_GROUP = process.platform !== "win32";

/**
 * One child Node.js process that runs the GPU tools, so their synchronous
 * execs block it and not the proxy's event loop. A child process, unlike a
 * worker thread, can be killed while it is inside a synchronous exec. On
 * Node 20.20, `Worker.terminate()` and even `process.exit()` wait until a
 * worker's `execFileSync` returns, which for a hung nvidia-smi is never.
 * An idle probe does not keep the parent's event loop alive. Each instance
 * is one process lifetime, so after it exits, create a new one.
 */
export class ProbeProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, PendingReply>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #alive = true;
  /** Reason the probe was killed, or null while it runs. */
  #killReason: "stopped" | "timeout" | null = null;
  #stderrTail = "";
  #exitDescription = "";

  constructor(env: NodeJS.ProcessEnv) {
    this.#child = spawn(
      process.execPath,
      ["--input-type=commonjs", "-e", PROBE_SCRIPT],
      {
        // Electron's binary runs as plain Node.js only with this variable set.
        // NOTE: the probe has run under Node.js only, not yet under Electron.
        env: { ...env, ELECTRON_RUN_AS_NODE: "1" },
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        detached: USE_PROCESS_GROUP,
        windowsHide: true,
      },
    );

    this.#exited = new Promise((resolve) => {
      this.#child.once("exit", (code, signal) => {
        this.#onExit(code, signal);
        resolve();
      });
      this.#child.once("error", (error) => {
        this.#failAll(
          new GpuSampleError(
            "PROBE_FAILED",
            `GPU probe process failed: ${error.message}`,
            { cause: error },
          ),
        );
        // Without a pid the process never started, so no exit event follows.
        if (this.#child.pid === undefined) {
          this.#alive = false;
          resolve();
        }
      });
    });

    this.#child.on("message", (message) => this.#onMessage(message));
    this.#child.stderr?.setEncoding("utf8");
    this.#child.stderr?.on("data", (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.#unref();
  }

  /** Process id of the probe, or undefined when it failed to start. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** False once the probe has exited or failed to start. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Exit code or signal and the end of standard error, once the probe has exited. */
  get exitDescription(): string {
    return this.#exitDescription;
  }

  /**
   * Sends one request and returns the probe's result. When no reply comes
   * within `timeoutMs`, rejects with `SAMPLE_TIMEOUT` and kills the probe.
   */
  request(request: ProbeRequest, timeoutMs: number): Promise<unknown> {
    if (this.#killReason === "stopped") {
      return Promise.reject(
        new GpuSampleError("SAMPLER_STOPPED", "GPU sampler stopped"),
      );
    }
    if (!this.#alive || this.#killReason !== null) {
      return Promise.reject(
        new GpuSampleError(
          "PROBE_EXITED",
          `GPU probe process is not running (${this.#exitDescription || "killed after a timeout"})`,
        ),
      );
    }

    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // This timer stays referenced, so a pending request keeps the event
      // loop alive until its reply or its timeout.
      const timer = setTimeout(
        () => this.#onTimeout(id, request.kind, timeoutMs),
        timeoutMs,
      );
      this.#pending.set(id, { resolve, reject, timer });

      this.#child.send({ id, ...request }, (error) => {
        if (error) this.#failOne(id, sendFailure(error));
      });
    });
  }

  /**
   * Kills the probe and every process in its group with SIGKILL, rejects
   * pending requests with `SAMPLER_STOPPED`, and resolves once it has exited.
   */
  kill(): Promise<void> {
    this.#failAll(new GpuSampleError("SAMPLER_STOPPED", "GPU sampler stopped"));
    this.#signalKill("stopped");
    return this.#exited;
  }

  #onTimeout(id: number, kind: ProbeRequest["kind"], timeoutMs: number): void {
    this.#failOne(
      id,
      new GpuSampleError(
        "SAMPLE_TIMEOUT",
        `GPU probe request "${kind}" timed out after ${timeoutMs} ms; the probe process was killed`,
      ),
    );
    this.#signalKill("timeout");
  }

  #signalKill(reason: "stopped" | "timeout"): void {
    this.#killReason ??= reason;
    const pid = this.#child.pid;
    // After the exit event the group was signalled already, and its id may
    // be free for reuse by an unrelated process.
    if (pid === undefined || !this.#alive) return;

    // Keep the event loop alive until the exit event, so awaiting `kill`
    // completes even when nothing else keeps the loop running.
    this.#child.ref();
    try {
      if (USE_PROCESS_GROUP) process.kill(-pid, "SIGKILL");
      else this.#child.kill("SIGKILL");
    } catch (error) {
      // ESRCH: the group is already gone, and the exit event has fired or will.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  #onMessage(message: unknown): void {
    if (typeof message !== "object" || message === null) return;

    const reply = message as {
      id?: unknown;
      ok?: unknown;
      result?: unknown;
      message?: unknown;
    };
    if (typeof reply.id !== "number") return;

    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;

    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok === true) pending.resolve(reply.result);
    else
      pending.reject(
        new GpuSampleError(
          "PROBE_FAILED",
          `GPU probe request failed: ${String(reply.message)}`,
        ),
      );
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#alive = false;
    this.#killGroupMembers();
    const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
    const stderr = this.#stderrTail.trim();
    this.#exitDescription =
      stderr === "" ? status : `${status}; stderr: ${stderr}`;

    this.#failAll(
      new GpuSampleError(
        "PROBE_EXITED",
        `GPU probe process exited during a sample (${this.#exitDescription})`,
      ),
    );
  }

  /** Kills tools still running in the group of a probe that has exited, such as a hung nvidia-smi. */
  #killGroupMembers(): void {
    const pid = this.#child.pid;
    if (!USE_PROCESS_GROUP || pid === undefined) return;

    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: no process is left in the group.
    }
  }

  #failOne(id: number, error: GpuSampleError): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;

    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  #failAll(error: GpuSampleError): void {
    for (const id of [...this.#pending.keys()]) this.#failOne(id, error);
  }

  #unref(): void {
    this.#child.unref();
    this.#child.channel?.unref();
    const stderr = this.#child.stderr as { unref?: () => void } | null;
    stderr?.unref?.();
  }
}

function sendFailure(error: Error): GpuSampleError {
  return new GpuSampleError(
    "PROBE_FAILED",
    `sending a request to the GPU probe process failed: ${error.message}`,
    { cause: error },
  );
}
