import type { BenchChild } from "./bench-child.js";
import type { ChildStarter } from "./core-phases.js";
import type { ReferenceStartArgs } from "./reference-proxy-process.js";

/** The reference proxies the benchmark measures beside Tokentap. */
export type ReferenceKind = "http-proxy" | "node-http";

/** A reference proxy's process and the URL it listens on. */
export interface ReferenceProxy {
  kind: ReferenceKind;
  /** Column heading in the report. */
  label: string;
  child: BenchChild;
  url: string;
}

const references: ReadonlyArray<{ kind: ReferenceKind; label: string }> = [
  { kind: "http-proxy", label: "http-proxy" },
  { kind: "node-http", label: "node:http" },
];

/**
 * Starts each reference proxy in its own process, pointed at the upstream.
 * They are information for the reader, not targets: they show what
 * http-proxy alone and a bare `node:http` proxy cost on the same machine.
 */
export async function startReferenceProxies(
  startChild: ChildStarter,
  upstream: string,
): Promise<ReferenceProxy[]> {
  const started: ReferenceProxy[] = [];
  for (const { kind, label } of references) {
    const child = startChild(
      `${label} reference proxy`,
      "./reference-proxy-process.js",
    );
    const args: ReferenceStartArgs = { kind, upstream };
    const { url } = await child.call<{ url: string }>("start", args);
    started.push({ kind, label, child, url });
  }
  return started;
}
