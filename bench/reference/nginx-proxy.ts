import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Install paths of nginx in Debian's and most other packages. */
const NGINX_PATHS = [
  "/usr/sbin/nginx",
  "/usr/bin/nginx",
  "/usr/local/sbin/nginx",
];

/** Clock ticks per second of `utime` and `stime` in /proc/PID/stat: USER_HZ, which Linux fixes at 100 on x86. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Time nginx gets to accept connections after it starts, in milliseconds. */
const START_TIMEOUT_MS = 5_000;

/** Time nginx gets to exit after SIGQUIT before its process group is killed, in milliseconds. It is under the benchmark's 5 s grace for a child. */
const STOP_GRACE_MS = 3_000;

/** A running nginx reverse proxy in front of the fake upstream. */
export interface NginxProxy {
  url: string;
  /** Process group of the master and its workers, for a parent that must kill them. */
  processGroup: number;
  /** CPU time of the master and worker processes so far, in microseconds. */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** Returns the path of the nginx binary, or null when none is installed. */
export function findNginx(): string | null {
  return NGINX_PATHS.find((path) => existsSync(path)) ?? null;
}

/**
 * Starts nginx as a reverse proxy to `upstream` with one worker process,
 * so that it uses one core as a Node.js proxy does, and with keep-alive
 * connections to the upstream. Buffering is off in both directions, so
 * stream chunks pass as they arrive. Its files go to a temporary folder.
 */
export async function startNginx(
  binary: string,
  upstream: URL,
): Promise<NginxProxy> {
  const prefix = await mkdtemp(join(tmpdir(), "tokentap-bench-nginx-"));
  const port = await freeLoopbackPort();
  const config = join(prefix, "nginx.conf");
  await writeFile(config, nginxConfig(prefix, upstream, port));

  // A process group of its own lets one signal reach the master and its
  // workers: workers outlive a master that is killed alone.
  const child = spawn(binary, ["-p", prefix, "-c", config, "-e", "stderr"], {
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  };
  // This process exits when the benchmark's parent goes away, and nginx must not outlive it.
  // NOTE: if this process is killed outright, the parent kills the process group but the
  // temporary folder stays behind in the system's temporary directory.
  const cleanUpOnExit = () => {
    killGroup();
    rmSync(prefix, { recursive: true, force: true });
  };
  process.once("exit", cleanUpOnExit);

  try {
    if (child.pid === undefined)
      throw new Error(`nginx could not be started from ${binary}`);
    await waitForPort(port, child);
  } catch (error) {
    killGroup();
    await exited;
    process.removeListener("exit", cleanUpOnExit);
    await rm(prefix, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    processGroup: child.pid,
    cpuMicros: () => processTreeCpuMicros(child.pid!),
    stop: async () => {
      // On SIGQUIT nginx finishes its connections, then the master and workers exit.
      child.kill("SIGQUIT");
      const timer = setTimeout(killGroup, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      killGroup();
      process.removeListener("exit", cleanUpOnExit);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

function nginxConfig(prefix: string, upstream: URL, port: number): string {
  const runAs = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${runAs}daemon off;
master_process on;
worker_processes 1;
pid ${join(prefix, "nginx.pid")};
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, "body")};
  proxy_temp_path ${join(prefix, "proxy")};
  fastcgi_temp_path ${join(prefix, "fastcgi")};
  uwsgi_temp_path ${join(prefix, "uwsgi")};
  scgi_temp_path ${join(prefix, "scgi")};
  upstream model_server {
    server ${upstream.host};
    keepalive 256;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://model_server;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`;
}

/** Returns a free port on 127.0.0.1 from the operating system, for nginx to bind. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(
        `nginx exited with code ${child.exitCode} before listening on 127.0.0.1:${port}; its error output is above`,
      );
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `nginx did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`,
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Sums `utime` and `stime` of a process and its children, from /proc, in microseconds. */
function processTreeCpuMicros(pid: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && (stat.pid === pid || stat.parent === pid)) ticks += stat.ticks;
  }
  return (ticks / CLOCK_TICKS_PER_SECOND) * 1_000_000;
}

function readStat(
  pid: number,
): { pid: number; parent: number; ticks: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // The process exited between the listing and the read.
  }

  // The command name in parentheses may contain spaces, so fields are counted after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const parent = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { pid, parent, ticks: utime + stime };
}
