/** A command the benchmark's parent process sends to a child over IPC. */
export interface CommandMessage {
  id: number;
  command: string;
  args: unknown;
}

/** The child's reply to one command. */
export type ReplyMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

/** Runs one command; `args` is whatever the parent sent, validated by the handler's caller. */
export type CommandHandler = (args: unknown) => unknown;

/** CPU time a process has used so far, user and system together, in microseconds. */
export interface CpuSample {
  cpuMicros: number;
}

/**
 * Runs the parent's commands in a child process and sends back each result.
 * Every child also handles `cpu` (its CPU time) and `exit` (runs `onExit`,
 * replies, exits). It exits when the parent's IPC channel closes, so a
 * crashed parent leaves no process behind.
 */
export function serveCommands(
  handlers: Record<string, CommandHandler>,
  onExit: () => Promise<void> | void = () => {},
): void {
  if (!process.send) {
    throw new Error(
      "this script is a child of the benchmark and needs an IPC channel; run the benchmark with `npm run bench`",
    );
  }

  const all: Record<string, CommandHandler> = {
    cpu: () => cpuSample(),
    exit: async () => {
      await onExit();
      setImmediate(() => process.exit(0));
    },
    ...handlers,
  };

  process.on("message", (message: CommandMessage) => void answer(all, message));
  process.on("disconnect", () => process.exit(1));
}

async function answer(
  handlers: Record<string, CommandHandler>,
  message: CommandMessage,
): Promise<void> {
  const handler = handlers[message.command];
  let reply: ReplyMessage;

  try {
    if (!handler) throw new Error(`unknown command "${message.command}"`);
    reply = {
      id: message.id,
      ok: true,
      result: (await handler(message.args)) ?? null,
    };
  } catch (error) {
    reply = {
      id: message.id,
      ok: false,
      error:
        error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }

  process.send?.(reply);
}

function cpuSample(): CpuSample {
  const usage = process.cpuUsage();
  return { cpuMicros: usage.user + usage.system };
}
