import { readFileSync } from "node:fs";

import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  contentTypeFor,
  splitLines,
  writeInParts,
} from "../support/fake-upstream.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../support/proxy-harness.js";

const wire = (name: string) =>
  readFileSync(new URL(`../data/wire/${name}`, import.meta.url));

/** Which fixture the fake upstream replays for each path and stream flag. */
const REPLIES: Record<string, { stream: string; whole: string }> = {
  "/api/generate": { stream: "ollama-generate-stream.ndjson", whole: "" },
  "/api/chat": {
    stream: "ollama-chat-stream-thinking.ndjson",
    whole: "ollama-chat-nostream.json",
  },
  "/v1/chat/completions": {
    stream: "openai-chat-stream-usage.sse",
    whole: "lmstudio-v0-chat-nostream.json",
  },
  "/v1/completions": {
    stream: "openai-chat-stream-usage.sse",
    whole: "openai-completions-nostream.json",
  },
};

/** A non-streaming /api/generate reply with the same counters as the streamed fixture. */
const GENERATE_WHOLE = {
  model: "llama3.2:3b",
  created_at: "2026-11-20T09:15:03.26Z",
  response: "The sky looks blue because.",
  done: true,
  done_reason: "stop",
  context: [128006, 9125, 128007],
  total_duration: 1843000000,
  load_duration: 512000000,
  prompt_eval_count: 26,
  prompt_eval_duration: 131000000,
  eval_count: 6,
  eval_duration: 120000000,
};

describe("client libraries through the proxy", () => {
  let harness: ProxyHarness;

  beforeAll(async () => {
    harness = await startProxyHarness();
    harness.upstream.setHandler(async (req, res, body) => {
      const reply = REPLIES[req.url ?? ""];
      if (!reply) {
        res.writeHead(404).end();
        return;
      }

      const request = JSON.parse(body.toString()) as { stream?: boolean };
      const isOllama = req.url?.startsWith("/api/");
      const streamed = request.stream ?? isOllama;
      const name = streamed ? reply.stream : reply.whole;

      if (name === "") {
        res.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
        });
        res.end(JSON.stringify(GENERATE_WHOLE));
        return;
      }

      res.writeHead(200, { "content-type": contentTypeFor(name) });
      await writeInParts(res, splitLines(wire(name)), 20);
    });
  });

  afterAll(async () => {
    await harness.stop();
  });

  it("ollama chat without streaming", async () => {
    const ollama = new Ollama({ host: harness.baseUrl });

    const reply = await ollama.chat({
      model: "llama3.2:3b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: false,
    });
    const record = await harness.nextRecord();

    expect(reply.message.content).toBe("Rayleigh scattering.");
    expect(record.model).toBe("llama3.2:3b");
    expect(record.promptTokens).toBe(31);
    expect(record.outputTokens).toBe(5);
    expect(record.tokensPerSecond).toBeCloseTo(62.5, 9);
    expect(record.streamed).toBe(false);
  });

  it("ollama chat streaming with thinking", async () => {
    const ollama = new Ollama({ host: harness.baseUrl });

    const stream = await ollama.chat({
      model: "qwen3:8b",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    let content = "";
    let thinking = "";
    for await (const part of stream) {
      content += part.message.content;
      thinking += part.message.thinking ?? "";
    }
    const record = await harness.nextRecord();

    expect(content).toBe("Hello!");
    expect(thinking).toBe("Okay, the user wants");
    expect(record.outputTokens).toBe(250);
    expect(record.tokensPerSecond).toBeCloseTo(125, 9);
    expect(record.rateSource).toBe("server");
    expect(record.ttftMs).not.toBeNull();
  });

  it("ollama generate streaming", async () => {
    const ollama = new Ollama({ host: harness.baseUrl });

    const stream = await ollama.generate({
      model: "llama3.2:3b",
      prompt: "Why?",
      stream: true,
    });
    let text = "";
    for await (const part of stream) text += part.response;
    const record = await harness.nextRecord();

    expect(text).toBe("The sky looks blue because.");
    expect(record.endpoint).toBe("/api/generate");
    expect(record.promptTokens).toBe(26);
    expect(record.outputTokens).toBe(6);
    expect(record.tokensPerSecond).toBeCloseTo(50, 9);
  });

  it("ollama generate without streaming", async () => {
    const ollama = new Ollama({ host: harness.baseUrl });

    const reply = await ollama.generate({
      model: "llama3.2:3b",
      prompt: "Why?",
      stream: false,
    });
    const record = await harness.nextRecord();

    expect(reply.eval_count).toBe(6);
    expect(record.outputTokens).toBe(6);
    expect(record.loadMs).toBeCloseTo(512, 9);
  });

  it("openai chat streaming with usage", async () => {
    const openai = new OpenAI({
      baseURL: `${harness.baseUrl}/v1`,
      apiKey: "unused",
    });

    const stream = await openai.chat.completions.create({
      model: "llama3.2:3b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    for await (const chunk of stream)
      text += chunk.choices[0]?.delta.content ?? "";
    const record = await harness.nextRecord();

    expect(text).toBe("Blue light scatters more.");
    expect(record.api).toBe("openai");
    expect(record.promptTokens).toBe(21);
    expect(record.outputTokens).toBe(4);
    expect(record.estimated).toBe(false);
    expect(record.rateSource).toBe("stream");
  });

  it("openai chat without streaming", async () => {
    const openai = new OpenAI({
      baseURL: `${harness.baseUrl}/v1`,
      apiKey: "unused",
    });

    const reply = await openai.chat.completions.create({
      model: "gemma-3-4b-it",
      messages: [{ role: "user", content: "Hello" }],
    });
    const record = await harness.nextRecord();

    expect(reply.choices[0]?.message.content).toBe("Hello there.");
    expect(record.promptTokens).toBe(12);
    expect(record.outputTokens).toBe(40);
    expect(record.tokensPerSecond).toBeCloseTo(52.4, 9);
    expect(record.ttftMs).toBeCloseTo(183, 9);
  });

  it("openai completions without streaming", async () => {
    const openai = new OpenAI({
      baseURL: `${harness.baseUrl}/v1`,
      apiKey: "unused",
    });

    const reply = await openai.completions.create({
      model: "llama3.2:3b",
      prompt: "2+2=",
    });
    const record = await harness.nextRecord();

    expect(reply.choices[0]?.text).toBe("four");
    expect(record.promptTokens).toBe(9);
    expect(record.outputTokens).toBe(2);
    expect(record.rateSource).toBe("wall");
  });
});
