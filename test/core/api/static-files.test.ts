import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createDashboardRoute,
  DASHBOARD_CSP,
  locateDashboardDir,
} from "../../../main/core/api/static-files.js";
import { send } from "../../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const INDEX = "<!doctype html><title>dashboard</title>";
const SCRIPT = "console.log('dashboard');";

/** Serves `root` through the dashboard route on a free loopback port, parsing paths as the local API does. */
async function serveRoot(
  root: string,
): Promise<{ base: string; server: Server }> {
  const route = createDashboardRoute(root);
  const server = createServer((req, res) => {
    void route(req, res, new URL(req.url ?? "/", "http://localhost"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server };
}

/** GETs `path` exactly as written; a URL string would have its dot segments removed before sending. */
function sendRawPath(
  base: string,
  path: string,
): Promise<{ status: number; body: Buffer }> {
  const { hostname, port } = new URL(base);

  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("dashboard files", () => {
  let folder: string;
  let base: string;
  let server: Server;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "tokentap-static-"));
    const root = join(folder, "renderer");
    await mkdir(join(root, "assets"), { recursive: true });
    await writeFile(join(root, "index.html"), INDEX);
    await writeFile(join(root, "app.js"), SCRIPT);
    await writeFile(join(root, "styles.css"), "body { margin: 0; }");
    await writeFile(join(root, "assets", "logo.svg"), "<svg/>");
    await writeFile(join(root, "data.bin"), "raw");
    await writeFile(join(folder, "secret.txt"), "secret");
    await symlink(join(folder, "secret.txt"), join(root, "linked.txt"));

    ({ base, server } = await serveRoot(root));
  });

  afterAll(async () => {
    await closeServer(server);
    await rm(folder, { recursive: true, force: true });
  });

  it("serves index.html at the prefix", async () => {
    const reply = await send(`${base}/tokentap/`);

    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe(INDEX);
    expect(reply.headers["content-type"]).toBe("text/html; charset=utf-8");
  });

  it("sends the CSP and nosniff headers", async () => {
    const reply = await send(`${base}/tokentap/index.html`);

    expect(reply.headers["content-security-policy"]).toBe(
      `${DASHBOARD_CSP}; frame-ancestors 'none'`,
    );
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("redirects the bare prefix to the folder", async () => {
    const reply = await send(`${base}/tokentap?x=1`);

    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe("/tokentap/?x=1");
  });

  it("names the content type of each file", async () => {
    const cases: [string, string][] = [
      ["app.js", "text/javascript; charset=utf-8"],
      ["styles.css", "text/css; charset=utf-8"],
      ["assets/logo.svg", "image/svg+xml"],
      ["data.bin", "application/octet-stream"],
    ];

    for (const [name, contentType] of cases) {
      const reply = await send(`${base}/tokentap/${name}`);
      expect(reply.status, name).toBe(200);
      expect(reply.headers["content-type"], name).toBe(contentType);
    }
  });

  it("answers HEAD without a body", async () => {
    const reply = await send(`${base}/tokentap/app.js`, { method: "HEAD" });

    expect(reply.status).toBe(200);
    expect(reply.headers["content-length"]).toBe(String(SCRIPT.length));
    expect(reply.body.length).toBe(0);
  });

  it("answers 404 JSON for a missing file", async () => {
    const reply = await send(`${base}/tokentap/missing.js`);

    expect(reply.status).toBe(404);
    expect(reply.headers["content-type"]).toBe(
      "application/json; charset=utf-8",
    );
    expect(reply.json()).toEqual({
      error: "no dashboard file at /tokentap/missing.js",
    });
  });

  it("answers 404 for a folder", async () => {
    const reply = await send(`${base}/tokentap/assets/`);

    expect(reply.status).toBe(404);
  });

  it("rejects encoded traversal", async () => {
    const paths = [
      "/tokentap/..%2fsecret.txt",
      "/tokentap/%2e%2e%2fsecret.txt",
      "/tokentap/assets/..%2f..%2fsecret.txt",
      "/tokentap/%2e%2e%5csecret.txt",
    ];

    for (const path of paths) {
      const reply = await send(`${base}${path}`);
      expect(reply.status, path).toBeOneOf([400, 404]);
      expect(reply.body.toString(), path).not.toContain('secret"');
      expect(reply.body.toString(), path).not.toBe("secret");
    }
  });

  it("answers 400 for a path leaving the folder", async () => {
    const reply = await send(`${base}/tokentap/..%2fsecret.txt`);

    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({
      error: 'dashboard path "..%2fsecret.txt" leaves the dashboard folder',
    });
  });

  it("never serves a file above the folder", async () => {
    // The URL parser removes these dot segments, so the path is no dashboard path at all.
    const paths = [
      "/tokentap/../secret.txt",
      "/tokentap/%2e%2e/secret.txt",
      "/tokentap/.%2E/secret.txt",
    ];

    for (const path of paths) {
      const reply = await sendRawPath(base, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.toString(), path).not.toBe("secret");
    }
  });

  it("does not follow a link out of the folder", async () => {
    const reply = await send(`${base}/tokentap/linked.txt`);

    expect(reply.status).toBe(404);
  });

  it("rejects a NUL byte", async () => {
    const reply = await send(`${base}/tokentap/app.js%00.html`);

    expect(reply.status).toBe(400);
  });

  it("rejects malformed percent-encoding", async () => {
    const reply = await send(`${base}/tokentap/%E0%A4%A.js`);

    expect(reply.status).toBe(400);
  });
});

describe("dashboard files before the build", () => {
  it("answer 503 naming npm run build", async () => {
    const folder = await mkdtemp(join(tmpdir(), "tokentap-unbuilt-"));
    const { base, server } = await serveRoot(join(folder, "renderer"));

    try {
      const reply = await send(`${base}/tokentap/`);
      const { error } = reply.json() as { error: string };

      expect(reply.status).toBe(503);
      expect(error).toContain("the dashboard is not built");
      expect(error).toContain("run npm run build");
    } finally {
      await closeServer(server);
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("locateDashboardDir", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "tokentap-locate-"));
    await writeFile(join(folder, "package.json"), "{}");
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("finds dist/renderer from the compiled module", () => {
    const moduleUrl = pathToFileURL(
      join(folder, "dist/main/core/api/static-files.js"),
    );

    expect(locateDashboardDir(moduleUrl)).toBe(
      join(folder, "dist", "renderer"),
    );
  });

  it("finds dist/renderer from the TypeScript source", () => {
    const moduleUrl = pathToFileURL(
      join(folder, "main/core/api/static-files.ts"),
    );

    expect(locateDashboardDir(moduleUrl)).toBe(
      join(folder, "dist", "renderer"),
    );
  });

  it("finds this repository's build by default", () => {
    expect(locateDashboardDir()).toBe(join(REPO_ROOT, "dist", "renderer"));
  });
});

describe("dashboard CSP", () => {
  it("matches the meta tag of the page", () => {
    const page = readFileSync(
      join(REPO_ROOT, "renderer", "index.html"),
      "utf8",
    );
    const meta =
      /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(page);

    expect(meta?.[1]).toBe(DASHBOARD_CSP);
  });
});

describe("dashboard route in the core", () => {
  let harness: ProxyHarness;

  beforeAll(async () => {
    harness = await startProxyHarness();
  });

  afterAll(async () => {
    await harness.stop();
  });

  it("leaves dot segments to the proxy", async () => {
    // The URL parser resolves these to /package.json, which is no local path,
    // so the core forwards them upstream as they came and never reads a file.
    for (const path of [
      "/tokentap/../package.json",
      "/tokentap/%2e%2e/package.json",
    ]) {
      const reply = await sendRawPath(harness.baseUrl, path);
      expect(reply.status, path).toBe(404);
      expect(harness.upstream.received.at(-1)?.url, path).toBe(path);
    }
  });

  it("rejects an encoded slash out of the folder", async () => {
    const reply = await send(
      `${harness.baseUrl}/tokentap/..%2f..%2fpackage.json`,
    );

    expect(reply.status).toBe(400);
  });

  it("allows only GET and HEAD", async () => {
    const reply = await send(`${harness.baseUrl}/tokentap/`, {
      method: "POST",
    });

    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe("GET");
  });

  it("applies the Host guard", async () => {
    const reply = await send(`${harness.baseUrl}/tokentap/`, {
      headers: { host: "attacker.example" },
    });

    expect(reply.status).toBe(403);
  });
});
