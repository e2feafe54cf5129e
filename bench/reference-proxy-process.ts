import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { serveCommands, type CpuSample } from "./command-server.js";
import { createHttpProxyAlone } from "./reference/http-proxy-alone.js";
import {
  findNginx,
  startNginx,
  type NginxProxy,
} from "./reference/nginx-proxy.js";
import { createRawNodeProxy } from "./reference/raw-node-proxy.js";
import type { ReferenceKind } from "./reference-proxies.js";

/**
 * One reference proxy, alone in its process like Tokentap in
 * `proxy-process.js`, so that its CPU time can be read on its own.
 */

export interface ReferenceStartArgs {
  kind: ReferenceKind;
  upstream: string;
}

type Builder = (upstream: URL) => Server;

const builders: Record<Exclude<ReferenceKind, "nginx">, Builder> = {
  "http-proxy": createHttpProxyAlone,
  "node-http": createRawNodeProxy,
};

let server: Server | null = null;
let nginx: NginxProxy | null = null;

serveCommands(
  {
    start: async (args) => {
      const { kind, upstream } = args as ReferenceStartArgs;
      if (kind === "nginx") return startNginxReference(new URL(upstream));

      const build = builders[kind] as Builder | undefined;
      if (!build)
        throw new Error(
          `unknown reference proxy "${kind}"; use one of ${Object.keys(builders).join(", ")}`,
        );
      const listening = build(new URL(upstream));

      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(0, "127.0.0.1", () => resolve());
      });
      server = listening;
      return {
        url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`,
      };
    },
    // nginx runs in processes of its own, so this process reports their CPU time.
    cpu: (): CpuSample => ({
      cpuMicros: nginx ? nginx.cpuMicros() : ownCpuMicros(),
    }),
  },
  async () => {
    await nginx?.stop();
    const listening = server;
    if (!listening) return;
    listening.closeAllConnections();
    await new Promise<void>((resolve) => listening.close(() => resolve()));
  },
);

async function startNginxReference(
  upstream: URL,
): Promise<{ url: string; processGroup: number }> {
  const binary = findNginx();
  if (!binary)
    throw new Error(
      "nginx is not installed; install it (apt-get install nginx) or leave the nginx reference out",
    );
  nginx = await startNginx(binary, upstream);
  return { url: nginx.url, processGroup: nginx.processGroup };
}

function ownCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
