import { spawnSync } from "node:child_process";

/** Exit status and combined output of one promtool run. */
export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs promtool with `args` and `input` on its standard input, failing with install advice when promtool is missing. */
export function runPromtool(
  args: readonly string[],
  input?: string,
): PromtoolResult {
  const result = spawnSync("promtool", args, {
    input,
    encoding: "utf8",
    timeout: 10_000,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new Error(
      "promtool not found on PATH: install Debian's prometheus package (apt-get install prometheus).",
    );
  }
  if (result.error !== undefined) throw result.error;

  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
