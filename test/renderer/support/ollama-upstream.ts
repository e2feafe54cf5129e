import { readFileSync } from "node:fs";

import type { ServerResponse } from "node:http";

import {
  contentTypeFor,
  splitLines,
  writeInParts,
  type UpstreamHandler,
} from "../../support/fake-upstream.js";

const wire = (name: string) =>
  readFileSync(new URL(`../../data/wire/${name}`, import.meta.url), "utf8");

/** Builds the `/api/ps` reply: one model kept for 10 more minutes, one past its expiry. */
export function loadedModelsReply(now = Date.now()) {
  return {
    models: [
      {
        name: "llama3.2:3b",
        model: "llama3.2:3b",
        size: 4_509_715_456,
        size_vram: 4_509_715_456,
        expires_at: new Date(now + 10 * 60_000).toISOString(),
      },
      {
        name: "qwen2.5:7b",
        model: "qwen2.5:7b",
        size: 6_012_954_214,
        size_vram: 5_368_709_120,
        expires_at: new Date(now - 2 * 60_000).toISOString(),
      },
    ],
  };
}

/** Fixture replayed for each path and stream flag. */
const FIXTURES: Record<string, string> = {
  "/api/generate stream": "ollama-generate-stream.ndjson",
  "/api/chat whole": "ollama-chat-nostream.json",
  "/v1/chat/completions stream": "openai-chat-stream-nousage.sse",
};

/**
 * Replays recorded Ollama and OpenAI-style bodies, with the model name
 * changed to the one the client asked for, so a test can chart two models
 * from the same recordings.
 */
export const replayOllama: UpstreamHandler = async (req, res, body) => {
  if (req.url === "/api/ps") {
    sendJson(res, loadedModelsReply());
    return;
  }

  const request = JSON.parse(body.toString()) as {
    model: string;
    stream?: boolean;
  };
  const streamed = request.stream ?? req.url?.startsWith("/api/");
  const name = FIXTURES[`${req.url} ${streamed ? "stream" : "whole"}`];
  if (!name) {
    res.writeHead(404).end();
    return;
  }

  const text = wire(name).replaceAll(
    '"model":"llama3.2:3b"',
    `"model":${JSON.stringify(request.model)}`,
  );

  // Lines 20 ms apart span more than the proxy's minimum for a rate
  // measured from the stream.
  res.writeHead(200, { "content-type": contentTypeFor(name) });
  await writeInParts(res, splitLines(Buffer.from(text)), 20);
};

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
