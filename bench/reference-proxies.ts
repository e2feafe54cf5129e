import type { BenchChild } from "./bench-child.js";
import type { ChildStarter } from "./core-phases.js";
import { findNginx } from "./reference/nginx-proxy.js";
import type { ReferenceStartArgs } from "./reference-proxy-process.js";

/** The reference proxies the benchmark measures beside Tokentap. */
export type ReferenceKind = "http-proxy" | "node-http" | "nginx";

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
  { kind: "nginx", label: "nginx" },
];

/**
 * Starts each reference proxy in its own process, pointed at the upstream.
 * They are information for the reader, not targets: they show what
 * http-proxy alone, a bare `node:http` proxy and nginx cost on the same
 * machine. nginx is left out, with a note, when it is not installed.
 */
export async function startReferenceProxies(
  startChild: ChildStarter,
  upstream: string,
): Promise<ReferenceProxy[]> {
  const started: ReferenceProxy[] = [];
  for (const { kind, label } of references) {
    if (kind === "nginx" && findNginx() === null) {
      console.error(
        "bench: nginx is not installed, so the nginx reference is left out (apt-get install nginx adds it)",
      );
      continue;
    }
    const child = startChild(
      `${label} reference proxy`,
      "./reference-proxy-process.js",
    );
    const args: ReferenceStartArgs = { kind, upstream };
    const { url, processGroup } = await child.call<{
      url: string;
      processGroup?: number;
    }>("start", args);
    // nginx runs outside the reference process, which cannot stop it if it is killed.
    if (processGroup !== undefined) child.adoptProcessGroup(processGroup);
    started.push({ kind, label, child, url });
  }
  return started;
}
