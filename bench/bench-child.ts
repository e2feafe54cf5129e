import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

import type {
  CommandMessage,
  CpuSample,
  ReplyMessage,
} from "./command-server.js";

/** Time a child gets to exit after the `exit` command before it is killed, in milliseconds. */
const EXIT_GRACE_MS = 5_000;

/** A child process exited while the benchmark still needed it. */
export class ChildExitError extends Error {
  readonly code = "CHILD_EXITED";

  constructor(
    name: string,
    exitCode: number | null,
    signal: NodeJS.Signals | null,
  ) {
    super(
      `the ${name} process exited unexpectedly (exit code ${exitCode ?? "none"}, signal ${signal ?? "none"}); its error output is above`,
    );
    this.name = "ChildExitError";
  }
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One compiled bench script running in its own process, driven by commands
 * over IPC. Its standard output and error go to the benchmark's.
 */
export class BenchChild {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<void>;
  private nextId = 1;
  private exitError: Error | null = null;
  private readonly processGroups: number[] = [];

  constructor(
    readonly name: string,
    script: string,
    execArgv: readonly string[] = [],
  ) {
    const path = fileURLToPath(new URL(script, import.meta.url));
    this.child = fork(path, [], {
      execArgv: [...execArgv],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });

    this.child.on("message", (message: ReplyMessage) => this.settle(message));
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.failAll(new ChildExitError(name, code, signal));
        resolve();
      });
    });
  }

  /** Sends a command and resolves with the child's result, or rejects after `timeoutMs`. */
  call<T>(command: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);

    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `the ${this.name} process did not finish "${command}" within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);

      this.pending.set(id, {
        resolve: resolve as (result: unknown) => void,
        reject,
        timer,
      });
      const message: CommandMessage = { id, command, args };
      this.child.send(message);
    });
  }

  /** CPU time the child has used so far, in microseconds. */
  async cpuMicros(): Promise<number> {
    const sample = await this.call<CpuSample>("cpu");
    return sample.cpuMicros;
  }

  /** Asks the child to exit, killing it if it has not within a few seconds. */
  async stop(): Promise<void> {
    if (!this.exitError) {
      this.call("exit", {}, EXIT_GRACE_MS).catch(() => {});
      const timer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }

    // A child that stopped cleanly has stopped its groups, but one that crashed left them.
    this.killProcessGroups();
    this.processGroups.length = 0;
  }

  /** Makes `kill` also kill a process group the child started, such as nginx's. */
  adoptProcessGroup(processGroup: number): void {
    this.processGroups.push(processGroup);
  }

  /** Kills the child and the process groups it started at once, for a run that failed or was interrupted. */
  kill(): void {
    if (!this.exitError) this.child.kill("SIGKILL");
    this.killProcessGroups();
  }

  private killProcessGroups(): void {
    for (const group of this.processGroups) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // The group already exited.
      }
    }
  }

  private settle(message: ReplyMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;

    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else
      pending.reject(
        new Error(`the ${this.name} process failed: ${message.error}`),
      );
  }

  private failAll(error: Error): void {
    this.exitError = error;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
