import { inflateSync } from "node:zlib";

/** Straight RGBA pixels, 4 bytes a pixel, rows top-down. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Buffer;
}

/** One image in an ICO file. */
export interface IcoEntry {
  width: number;
  height: number;
  bitCount: number;
  format: "png" | "bmp";
  data: Buffer;
}

/** One element of an ICNS file. */
export interface IcnsElement {
  type: string;
  data: Buffer;
}

const PNG_SIGNATURE = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
]);

/** Returns whether `data` starts with the PNG signature. */
export function isPng(data: Buffer): boolean {
  return data.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** Decodes an 8-bit RGBA, non-interlaced PNG, the only kind the icon script writes; throws on any other. */
export function decodePng(data: Buffer): RgbaImage {
  if (!isPng(data)) throw new Error("Invalid PNG: the signature is missing.");

  let width = 0;
  let height = 0;
  const compressed: Buffer[] = [];

  for (let offset = 8; offset < data.length;) {
    const length = data.readUInt32BE(offset);
    const type = data.toString("ascii", offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);

    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [bitDepth, colorType, , , interlace] = body.subarray(8, 13);
      if (bitDepth !== 8 || colorType !== 6 || interlace !== 0) {
        throw new Error(
          `Unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}; expected 8, 6 (RGBA), 0.`,
        );
      }
    } else if (type === "IDAT") {
      compressed.push(body);
    }

    offset += 12 + length;
  }

  return {
    width,
    height,
    pixels: unfilter(inflateSync(Buffer.concat(compressed)), width, height),
  };
}

/** Reverses the per-row PNG filters (types 0 to 4) of 4-byte pixels. */
function unfilter(scanlines: Buffer, width: number, height: number): Buffer {
  const rowBytes = width * 4;
  const pixels = Buffer.alloc(rowBytes * height);

  for (let row = 0; row < height; row += 1) {
    const filter = scanlines[row * (rowBytes + 1)];
    const source = row * (rowBytes + 1) + 1;
    const target = row * rowBytes;

    for (let index = 0; index < rowBytes; index += 1) {
      const raw = scanlines[source + index] ?? 0;
      const left = index >= 4 ? (pixels[target + index - 4] ?? 0) : 0;
      const up = row > 0 ? (pixels[target - rowBytes + index] ?? 0) : 0;
      const upLeft =
        row > 0 && index >= 4
          ? (pixels[target - rowBytes + index - 4] ?? 0)
          : 0;
      pixels[target + index] = (raw + predict(filter, left, up, upLeft)) & 0xff;
    }
  }

  return pixels;
}

function predict(
  filter: number | undefined,
  left: number,
  up: number,
  upLeft: number,
): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return Math.floor((left + up) / 2);
    case 4:
      return paeth(left, up, upLeft);
    default:
      throw new Error(
        `Invalid PNG filter type ${String(filter)}; expected 0 to 4.`,
      );
  }
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/** Reads the directory of a Windows ICO file; a width or height byte of 0 means 256. */
export function readIco(data: Buffer): IcoEntry[] {
  if (data.readUInt16LE(0) !== 0 || data.readUInt16LE(2) !== 1) {
    throw new Error("Invalid ICO: the header must be reserved 0 and type 1.");
  }

  const count = data.readUInt16LE(4);
  return Array.from({ length: count }, (_, index) => {
    const entry = 6 + index * 16;
    const size = data.readUInt32LE(entry + 8);
    const offset = data.readUInt32LE(entry + 12);
    const body = data.subarray(offset, offset + size);

    return {
      width: data.readUInt8(entry) || 256,
      height: data.readUInt8(entry + 1) || 256,
      bitCount: data.readUInt16LE(entry + 6),
      format: isPng(body) ? "png" : "bmp",
      data: body,
    };
  });
}

/** Reads the elements of a macOS ICNS file, whose lengths are big-endian and count their own 8-byte header. */
export function readIcns(data: Buffer): IcnsElement[] {
  if (data.toString("ascii", 0, 4) !== "icns") {
    throw new Error('Invalid ICNS: the file must start with "icns".');
  }
  if (data.readUInt32BE(4) !== data.length) {
    throw new Error(
      `Invalid ICNS: the header length ${data.readUInt32BE(4)} differs from the file length ${data.length}.`,
    );
  }

  const elements: IcnsElement[] = [];
  for (let offset = 8; offset < data.length;) {
    const length = data.readUInt32BE(offset + 4);
    if (length < 8)
      throw new Error(
        `Invalid ICNS element length ${length} at byte ${offset}.`,
      );

    elements.push({
      type: data.toString("ascii", offset, offset + 4),
      data: data.subarray(offset + 8, offset + length),
    });
    offset += length;
  }

  return elements;
}
