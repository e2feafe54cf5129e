import { describe, expect, it } from "vitest";

import { createResponseTap } from "../../../main/core/tap/response-tap.js";
import { createRequestTap } from "../../../main/core/tap/request-tap.js";
import { matchEndpoint } from "../../../main/core/tap/endpoints.js";
import {
  capturePromptText,
  TextCapture,
} from "../../../main/core/tap/text-capture.js";
import { readWireFixture, WIRE_FIXTURES } from "./wire-fixtures.js";

/** Completion text each streamed fixture must give with capture on. */
const COMPLETIONS: Record<string, string> = {
  "ollama-generate-stream.ndjson": "The sky looks blue because.",
  "ollama-chat-stream-thinking.ndjson": "Okay, the user wantsHello!",
  "ollama-chat-nostream.json": "Rayleigh scattering.",
  "openai-chat-stream-usage.sse": "Blue light scatters more.",
  "openai-chat-stream-nousage.sse": "Blue light scatters more.",
  "llamacpp-chat-stream-timings.sse": "Paris.",
  "lmstudio-v0-chat-nostream.json": "Hello there.",
  "openai-completions-nostream.json": "four",
  "anthropic-messages-stream.sse": "Hi! How can I help?",
  "openai-responses-stream.sse": "Two.",
};

function endpointFor(path: string) {
  const endpoint = matchEndpoint("POST", path);
  if (!endpoint) throw new Error(`no endpoint for ${path}`);
  return endpoint;
}

describe("TextCapture", () => {
  it("keeps text up to the limit and marks the cut", () => {
    const capture = new TextCapture(5);

    capture.append("abc");
    capture.append("defgh");

    expect(capture.result()).toBe("abcde…");
  });

  it("removes control characters but keeps newlines and tabs", () => {
    const capture = new TextCapture();

    capture.append("a\u001b[31mb\u0000c\n\td\u007f\u0085");

    expect(capture.result()).toBe("a[31mbc\n\td");
  });

  it("returns null when nothing was captured", () => {
    expect(new TextCapture().result()).toBeNull();
  });
});

describe("response text capture", () => {
  it.each(Object.entries(COMPLETIONS))(
    "captures the completion of %s",
    (file, expected) => {
      const fixture = WIRE_FIXTURES.find((entry) => entry.file === file)!;
      const tap = createResponseTap(endpointFor(fixture.path), {
        contentType: fixture.contentType,
        captureText: true,
      });

      tap.push(readWireFixture(file), 0);
      tap.finish();

      expect(tap.capturedCompletion()).toBe(expected);
    },
  );

  it("captures nothing unless asked", () => {
    const tap = createResponseTap(endpointFor("/api/generate"), {
      contentType: "application/x-ndjson",
    });

    tap.push(readWireFixture("ollama-generate-stream.ndjson"), 0);
    tap.finish();

    expect(tap.capturedCompletion()).toBeNull();
  });
});

describe("capturePromptText", () => {
  it("takes Ollama generate's prompt", () => {
    expect(capturePromptText({ prompt: "Why is the sky blue?" })).toBe(
      "Why is the sky blue?",
    );
  });

  it("takes the last user message of a chat", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "first" },
      { role: "assistant", content: "reply" },
      { role: "user", content: "second" },
    ];

    expect(capturePromptText({ messages })).toBe("second");
  });

  it("keeps only the text parts of multimodal content", () => {
    const messages = [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in " },
          {
            type: "image_url",
            image_url: { url: "data:image/png;base64,AAAA" },
          },
          { type: "text", text: "this picture?" },
        ],
      },
    ];

    expect(capturePromptText({ messages })).toBe("What is in this picture?");
  });

  it("takes a Responses API input string", () => {
    expect(capturePromptText({ input: "1 + 1?" })).toBe("1 + 1?");
  });

  it("returns null without a prompt", () => {
    expect(capturePromptText({ model: "m" })).toBeNull();
  });
});

describe("request prompt capture", () => {
  it("reads the prompt through the request tap", () => {
    const tap = createRequestTap(endpointFor("/api/chat"), {
      capturePrompt: true,
    });

    tap.push(
      Buffer.from(
        JSON.stringify({
          model: "m",
          messages: [{ role: "user", content: "Hi there" }],
        }),
      ),
    );
    tap.finish();

    expect(tap.capturedPrompt()).toBe("Hi there");
  });

  it("caps a long prompt at the capture limit", () => {
    const tap = createRequestTap(endpointFor("/api/generate"), {
      capturePrompt: true,
    });

    tap.push(
      Buffer.from(JSON.stringify({ model: "m", prompt: "x".repeat(100_000) })),
    );
    tap.finish();

    expect(tap.capturedPrompt()).toHaveLength(4097);
  });

  it("keeps no prompt unless asked", () => {
    const tap = createRequestTap(endpointFor("/api/generate"));

    tap.push(Buffer.from(JSON.stringify({ model: "m", prompt: "secret" })));
    tap.finish();

    expect(tap.capturedPrompt()).toBeNull();
  });
});
