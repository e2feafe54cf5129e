/** Maximum length of a captured prompt or completion, in characters. */
export const MAX_CAPTURED_CHARS = 4096;

// C0 and C1 control characters, DEL included, except tab and line feed. They
// are removed so captured text cannot drive a terminal or break a log line.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Member names whose string values are generated text in any supported API. */
const TEXT_KEYS: ReadonlySet<string> = new Set([
  "response",
  "thinking",
  "content",
  "text",
  "reasoning_content",
  "reasoning",
  "delta",
]);

/**
 * Member names whose object or array values hold generated text further down:
 * OpenAI `choices[].delta` and `choices[].message`, Ollama `message`,
 * Anthropic `delta` and `content[]`, Responses API `output[].content[]`.
 */
const CONTAINER_KEYS: ReadonlySet<string> = new Set([
  "choices",
  "message",
  "delta",
  "content",
  "output",
]);

/**
 * Collects text up to a character limit, removing control characters, so
 * memory stays bounded however long the prompt or completion is.
 */
export class TextCapture {
  private text = "";
  private truncated = false;

  constructor(private readonly maxChars = MAX_CAPTURED_CHARS) {}

  append(piece: string): void {
    if (this.truncated || piece === "") return;

    const clean = piece.replace(CONTROL_CHARACTERS, "");
    const room = this.maxChars - this.text.length;
    if (clean.length > room) {
      this.text += clean.slice(0, room);
      this.truncated = true;
    } else {
      this.text += clean;
    }
  }

  /** Returns the text kept, with `…` at the end when it was cut; null when nothing was captured. */
  result(): string | null {
    if (this.text === "" && !this.truncated) return null;
    return this.truncated ? `${this.text}…` : this.text;
  }
}

/** Appends the generated text in one response object (a stream chunk or a whole body). */
export function captureResponseText(
  members: Record<string, unknown>,
  capture: TextCapture,
): void {
  for (const [key, value] of Object.entries(members))
    collectText(key, value, capture, 0);
}

function collectText(
  key: string,
  value: unknown,
  capture: TextCapture,
  depth: number,
): void {
  if (typeof value === "string") {
    if (TEXT_KEYS.has(key)) capture.append(value);
    return;
  }

  // Four levels reach the deepest text: output[].content[].text.
  if (
    depth > 4 ||
    !CONTAINER_KEYS.has(key) ||
    typeof value !== "object" ||
    value === null
  )
    return;

  const children = Array.isArray(value) ? value : [value];
  for (const child of children) {
    if (typeof child !== "object" || child === null) continue;
    for (const [childKey, childValue] of Object.entries(child)) {
      collectText(childKey, childValue, capture, depth + 1);
    }
  }
}

/**
 * Returns the prompt of a request body: Ollama generate's `prompt`, the last
 * user message of a chat (`messages`), or the Responses API `input`.
 */
export function capturePromptText(
  members: Record<string, unknown>,
): string | null {
  const capture = new TextCapture();
  const prompt = members["prompt"];
  const input = members["input"];

  if (typeof prompt === "string") capture.append(prompt);
  else if (Array.isArray(prompt) && typeof prompt[0] === "string")
    capture.append(prompt[0]);
  else if (Array.isArray(members["messages"]))
    appendLastUserMessage(members["messages"], capture);
  else if (typeof input === "string") capture.append(input);
  else if (Array.isArray(input)) appendLastUserMessage(input, capture);

  return capture.result();
}

function appendLastUserMessage(
  messages: unknown[],
  capture: TextCapture,
): void {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as {
      role?: unknown;
      content?: unknown;
    } | null;
    if (
      typeof message !== "object" ||
      message === null ||
      message.role !== "user"
    )
      continue;

    const content = message.content;
    if (typeof content === "string") {
      capture.append(content);
    } else if (Array.isArray(content)) {
      // Multimodal content: keep the text parts, skip images and audio.
      for (const part of content as Array<{ text?: unknown }>) {
        if (typeof part?.text === "string") capture.append(part.text);
      }
    }
    return;
  }
}
