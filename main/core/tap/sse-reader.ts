import { JsonScanner } from "./json-scanner.js";
import type { ScanResult } from "./json-scanner.js";

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event` field, `message` when the event had none. */
  type: string;
  /** The first JSON value of the joined `data` lines, or null when the data held none. */
  result: ScanResult | null;
  /** True when the data is exactly `[DONE]`, the OpenAI end-of-stream marker. */
  done: boolean;
}

/** Settings of an {@link SseReader}. */
export interface SseReaderOptions {
  /** Called synchronously, during `push`, for every dispatched event. */
  onEvent: (event: SseEvent) => void;
  /** Top-level members of the data's JSON to keep, as {@link JsonScanner} `select`. */
  select?: ReadonlySet<string>;
}

// Field names longer than any known one, and event types longer than the
// longest an inference API sends, are not stored whole.
const MAX_FIELD_NAME_BYTES = 8;
const MAX_EVENT_TYPE_BYTES = 64;
const DONE_MARKER = Buffer.from("[DONE]");
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);
const LINE_FEED = Buffer.from("\n");

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const COLON = 0x3a;

// Line states.
const LINE_START = 0;
const FIELD_NAME = 1;
const VALUE_START = 2; // right after the colon, where one space is dropped
const VALUE = 3;
const IGNORED = 4; // a comment or a field that is not read

// Fields read.
const OTHER = 0;
const DATA = 1;
const EVENT = 2;

/**
 * Splits a `text/event-stream` body into events as the WHATWG HTML standard
 * parses it: lines end in LF, CR or CRLF, `:` starts a comment, `data` lines
 * are joined with LF, and a blank line dispatches. The data goes straight
 * into a JSON scanner, so a data line of any length costs constant memory.
 * Only the first bytes of the data are kept raw, to recognise `[DONE]`.
 */
export class SseReader {
  private readonly onEvent: (event: SseEvent) => void;
  private readonly scanner: JsonScanner;

  private state = LINE_START;
  private field = OTHER;
  private skipLineFeed = false;
  private byteOrderMarkSeen = 0;
  private readonly fieldName = Buffer.alloc(MAX_FIELD_NAME_BYTES);
  private fieldNameLength = 0;
  private readonly eventType = Buffer.alloc(MAX_EVENT_TYPE_BYTES);
  private eventTypeLength = 0;
  private eventTypeTooLong = false;

  private dataLines = 0;
  private dataBytes = 0;
  private readonly dataPrefix = Buffer.alloc(DONE_MARKER.length);
  private result: ScanResult | null = null;

  // Positions of the next CR and LF in the current chunk, or -2 before the first search.
  private crAt = -2;
  private lfAt = -2;

  constructor(options: SseReaderOptions) {
    this.onEvent = options.onEvent;
    this.scanner = new JsonScanner({
      mode: "document",
      select: options.select,
      onResult: (result) => {
        this.result ??= result;
      },
    });
  }

  /** Reads one chunk, dispatching the events it completes. */
  push(chunk: Buffer): void {
    this.crAt = -2;
    this.lfAt = -2;

    const length = chunk.length;
    let i = this.skipByteOrderMark(chunk);
    while (i < length) {
      if (this.skipLineFeed) {
        this.skipLineFeed = false;
        if (chunk[i] === LF) {
          i++;
          continue;
        }
      }

      if (this.state === VALUE || this.state === IGNORED)
        i = this.readValue(chunk, i);
      else i = this.readFieldByte(chunk, i);
    }
  }

  /**
   * Ends the body. An event without its closing blank line is discarded, as
   * the standard requires, so a stream cut mid-event reports nothing of it.
   */
  end(): void {
    this.resetEvent();
    this.state = LINE_START;
  }

  /** Bytes held between chunks for the event being read. */
  retainedBytes(): number {
    return (
      this.scanner.retainedBytes() +
      Math.min(this.fieldNameLength, MAX_FIELD_NAME_BYTES) +
      this.eventTypeLength +
      Math.min(this.dataBytes, this.dataPrefix.length)
    );
  }

  // A byte order mark is only allowed before the first line.
  private skipByteOrderMark(chunk: Buffer): number {
    let i = 0;
    while (
      this.byteOrderMarkSeen < BYTE_ORDER_MARK.length &&
      i < chunk.length
    ) {
      if (chunk[i] !== BYTE_ORDER_MARK[this.byteOrderMarkSeen]) {
        this.byteOrderMarkSeen = BYTE_ORDER_MARK.length;
        break;
      }
      this.byteOrderMarkSeen++;
      i++;
    }
    return i;
  }

  /** Handles one byte at a line's start, in its field name, or just after the colon. */
  private readFieldByte(chunk: Buffer, i: number): number {
    const byte = chunk[i]!;
    if (byte === CR || byte === LF) {
      if (this.state === LINE_START) this.dispatch();
      else this.endField();
      return this.endLine(byte, i);
    }

    if (this.state === LINE_START) {
      this.fieldNameLength = 0;
      this.state = byte === COLON ? IGNORED : FIELD_NAME;
      if (this.state === IGNORED) return i + 1;
    }

    if (this.state === VALUE_START) {
      this.state = VALUE;
      return byte === SPACE ? i + 1 : i;
    }

    if (byte === COLON) {
      this.startField();
      return i + 1;
    }

    if (this.fieldNameLength < MAX_FIELD_NAME_BYTES)
      this.fieldName[this.fieldNameLength] = byte;
    this.fieldNameLength++;
    return i + 1;
  }

  /** Reads a field value (or skips an ignored line) up to the end of its line. */
  private readValue(chunk: Buffer, start: number): number {
    const lineEnd = this.findLineEnd(chunk, start);
    const end = lineEnd === -1 ? chunk.length : lineEnd;
    if (this.state === VALUE && end > start)
      this.appendValue(chunk.subarray(start, end));
    if (lineEnd === -1) return end;

    if (this.state === VALUE) this.endField();
    return this.endLine(chunk[lineEnd]!, lineEnd);
  }

  private endLine(byte: number, i: number): number {
    this.skipLineFeed = byte === CR;
    this.state = LINE_START;
    this.fieldNameLength = 0;
    return i + 1;
  }

  /** Recognises the field name once its colon arrives. */
  private startField(): void {
    this.field = this.recogniseField();
    this.state = this.field === OTHER ? IGNORED : VALUE_START;
    this.fieldNameLength = 0;

    if (this.field === DATA) this.startDataLine();
    if (this.field === EVENT) {
      this.eventTypeLength = 0;
      this.eventTypeTooLong = false;
    }
  }

  /** Ends a line that named a field. A field without a colon has an empty value. */
  private endField(): void {
    if (this.state === FIELD_NAME) {
      this.startField();
      this.state = LINE_START;
    }
    this.field = OTHER;
  }

  private recogniseField(): number {
    if (this.fieldNameLength > MAX_FIELD_NAME_BYTES) return OTHER;

    const name = this.fieldName.toString("latin1", 0, this.fieldNameLength);
    if (name === "data") return DATA;
    if (name === "event") return EVENT;
    return OTHER;
  }

  private startDataLine(): void {
    if (this.dataLines > 0) this.appendData(LINE_FEED);
    this.dataLines++;
  }

  private appendValue(bytes: Buffer): void {
    if (this.field === DATA) {
      this.appendData(bytes);
      return;
    }

    const room = MAX_EVENT_TYPE_BYTES - this.eventTypeLength;
    if (bytes.length > room) this.eventTypeTooLong = true;
    const copied = Math.min(room, bytes.length);
    bytes.copy(this.eventType, this.eventTypeLength, 0, copied);
    this.eventTypeLength += copied;
  }

  private appendData(bytes: Buffer): void {
    const room = this.dataPrefix.length - this.dataBytes;
    if (room > 0)
      bytes.copy(
        this.dataPrefix,
        this.dataBytes,
        0,
        Math.min(room, bytes.length),
      );
    this.dataBytes += bytes.length;
    this.scanner.push(bytes);
  }

  private dispatch(): void {
    if (this.dataLines === 0) {
      this.resetEvent();
      return;
    }

    this.scanner.end();
    const event: SseEvent = {
      type: this.readEventType(),
      result: this.result,
      done:
        this.dataBytes === DONE_MARKER.length &&
        this.dataPrefix.equals(DONE_MARKER),
    };
    this.resetEvent();
    this.onEvent(event);
  }

  private readEventType(): string {
    if (this.eventTypeTooLong) return "";
    if (this.eventTypeLength === 0) return "message";
    return this.eventType.toString("utf8", 0, this.eventTypeLength);
  }

  private resetEvent(): void {
    this.scanner.end();
    this.result = null;
    this.dataLines = 0;
    this.dataBytes = 0;
    this.eventTypeLength = 0;
    this.eventTypeTooLong = false;
  }

  private findLineEnd(chunk: Buffer, from: number): number {
    if (this.crAt < from && this.crAt !== -1)
      this.crAt = chunk.indexOf(CR, from);
    if (this.lfAt < from && this.lfAt !== -1)
      this.lfAt = chunk.indexOf(LF, from);

    if (this.crAt === -1) return this.lfAt;
    if (this.lfAt === -1) return this.crAt;
    return Math.min(this.crAt, this.lfAt);
  }
}
