/**
 * Request and response bodies in the shape of Ollama's `/api/chat` and
 * `/api/generate`, with a small model's counters. Each process builds them
 * once, so no phase pays for building them.
 */

export const BENCH_MODEL = "llama3.2:3b";

const CREATED_AT = "2025-01-15T10:21:07.123456789Z";
const PROMPT_TOKENS = 26;

const WORDS = [
  " A",
  " transparent",
  " proxy",
  " forwards",
  " each",
  " request",
  " unchanged",
  " and",
  " reads",
  " the",
  " token",
  " counts",
  " as",
  " they",
  " pass",
  ".",
];

/** Builds the body of a non-streaming `POST /api/chat`. */
export function chatRequestBody(): Buffer {
  return jsonBuffer({
    model: BENCH_MODEL,
    messages: [
      {
        role: "user",
        content: "Explain what a reverse proxy does in two paragraphs.",
      },
    ],
    stream: false,
  });
}

/** Builds the body of a streaming `POST /api/generate`. */
export function generateRequestBody(): Buffer {
  return jsonBuffer({
    model: BENCH_MODEL,
    prompt: "Explain what a reverse proxy does in two paragraphs.",
    stream: true,
  });
}

/** Builds a whole non-streaming chat reply of about 1 KB, final counters included. */
export function chatReplyBody(): Buffer {
  let content = "";
  for (let index = 0; content.length < 640; index++) {
    content += WORDS[index % WORDS.length];
  }

  return jsonBuffer({
    model: BENCH_MODEL,
    created_at: CREATED_AT,
    message: { role: "assistant", content: content.trim() },
    done_reason: "stop",
    done: true,
    total_duration: 2_137_496_042,
    load_duration: 18_774_625,
    prompt_eval_count: PROMPT_TOKENS,
    prompt_eval_duration: 41_529_000,
    eval_count: 142,
    eval_duration: 2_076_112_000,
  });
}

/**
 * Builds the lines of one NDJSON generate stream: `tokenLines` lines of one
 * token each, then the `done: true` line with the counters and the context.
 */
export function generateLines(tokenLines: number): Buffer[] {
  const lines: Buffer[] = [];

  for (let index = 0; index < tokenLines; index++) {
    lines.push(
      jsonLine({
        model: BENCH_MODEL,
        created_at: CREATED_AT,
        response: WORDS[index % WORDS.length],
        done: false,
      }),
    );
  }

  lines.push(doneLine(tokenLines));
  return lines;
}

function doneLine(evalCount: number): Buffer {
  // Ollama returns the token ids of prompt and answer as `context`.
  const context = Array.from(
    { length: PROMPT_TOKENS + evalCount },
    (_, index) => 128_000 + ((index * 7919) % 4096),
  );

  return jsonLine({
    model: BENCH_MODEL,
    created_at: CREATED_AT,
    response: "",
    done: true,
    done_reason: "stop",
    context,
    total_duration: 1_612_087_333,
    load_duration: 17_903_208,
    prompt_eval_count: PROMPT_TOKENS,
    prompt_eval_duration: 39_811_000,
    eval_count: evalCount,
    eval_duration: 1_549_286_000,
  });
}

function jsonBuffer(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

function jsonLine(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value)}\n`, "utf8");
}
