#!/usr/bin/env node
// Draws Tokentap's tray and app icons and writes them as PNG, ICO and ICNS
// with nothing but Node. Each shape is a signed distance function in a unit
// square, rendered with one pixel of anti-aliasing, and zlib compresses the
// PNG data.
//
// Usage: node scripts/make-icons.mjs [OUTPUT_DIR]   (default: assets)
import { Buffer } from "node:buffer";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { crc32, deflateSync } from "node:zlib";

const STATE_COLORS = {
  on: [0x22, 0xc5, 0x5e],
  off: [0x80, 0x88, 0x94],
  error: [0xef, 0x44, 0x44],
};
const TEMPLATE_COLOR = [0, 0, 0];

// The gauge sweeps 270 degrees counter-clockwise from lower right (-45) to
// lower left (225), in degrees with y pointing up. `valueAngle(0)` is the
// needle's rest at lower left.
const GAUGE_FROM_DEG = -45;
const GAUGE_TO_DEG = 225;
const ON_VALUE = 0.72;

/** Tray icon sizes in pixels: 1x, then the `@2x` variant. */
const TRAY_SIZES = [16, 32];
/** Windows tray ICO sizes: 100 % to 300 % display scaling of a 16 px icon. */
const TRAY_ICO_SIZES = [16, 20, 24, 32, 40, 48];
const APP_ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS element types that hold PNG data, with their pixel sizes. */
const ICNS_ELEMENTS = [
  ["icp4", 16],
  ["icp5", 32],
  ["ic11", 32],
  ["ic12", 64],
  ["ic07", 128],
  ["ic13", 256],
  ["ic08", 256],
  ["ic14", 512],
  ["ic09", 512],
  ["ic10", 1024],
];

function valueAngle(value) {
  return GAUGE_TO_DEG - value * (GAUGE_TO_DEG - GAUGE_FROM_DEG);
}

function polar(center, radius, degrees) {
  const radians = (degrees * Math.PI) / 180;
  return {
    x: center.x + radius * Math.cos(radians),
    y: center.y - radius * Math.sin(radians),
  };
}

// Signed distance functions: negative inside, in unit-square lengths.

function disc(center, radius) {
  return (x, y) => Math.hypot(x - center.x, y - center.y) - radius;
}

function capsule(from, to, width) {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const lengthSquared = dx * dx + dy * dy;

  return (x, y) => {
    const t = Math.max(
      0,
      Math.min(1, ((x - from.x) * dx + (y - from.y) * dy) / lengthSquared),
    );
    return Math.hypot(x - from.x - t * dx, y - from.y - t * dy) - width / 2;
  };
}

/** Returns the distance function of a stroke along a circle from `fromDeg` counter-clockwise to `toDeg`, with round caps. */
function arc(center, radius, width, fromDeg, toDeg) {
  const sweep = (((toDeg - fromDeg) % 360) + 360) % 360;
  const capFrom = polar(center, radius, fromDeg);
  const capTo = polar(center, radius, toDeg);

  return (x, y) => {
    const degrees = (Math.atan2(center.y - y, x - center.x) * 180) / Math.PI;
    const offset = (((degrees - fromDeg) % 360) + 360) % 360;
    if (offset <= sweep) {
      return (
        Math.abs(Math.hypot(x - center.x, y - center.y) - radius) - width / 2
      );
    }

    const capDistance = Math.min(
      Math.hypot(x - capFrom.x, y - capFrom.y),
      Math.hypot(x - capTo.x, y - capTo.y),
    );
    return capDistance - width / 2;
  };
}

function roundedSquare(inset, cornerRadius) {
  const half = 0.5 - inset - cornerRadius;
  return (x, y) => {
    const qx = Math.abs(x - 0.5) - half;
    const qy = Math.abs(y - 0.5) - half;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
    return outside + Math.min(Math.max(qx, qy), 0) - cornerRadius;
  };
}

/** Returns the layers of the tray glyph for a state: a gauge arc plus a needle, or an exclamation mark for errors. */
function trayLayers(state, color) {
  const center = { x: 0.5, y: 0.55 };
  const ring = arc(center, 0.37, 0.12, GAUGE_FROM_DEG, GAUGE_TO_DEG);

  if (state === "error") {
    return [
      { shape: ring, color, alpha: 1 },
      {
        shape: capsule({ x: 0.5, y: 0.33 }, { x: 0.5, y: 0.52 }, 0.12),
        color,
        alpha: 1,
      },
      { shape: disc({ x: 0.5, y: 0.75 }, 0.07), color, alpha: 1 },
    ];
  }

  // Off rests the needle at zero and dims the ring, so the state reads without colour.
  const value = state === "on" ? ON_VALUE : 0;
  const needleTip = polar(center, 0.2, valueAngle(value));
  return [
    { shape: ring, color, alpha: state === "on" ? 1 : 0.6 },
    { shape: capsule(center, needleTip, 0.11), color, alpha: 1 },
    { shape: disc(center, 0.09), color, alpha: 1 },
  ];
}

/** Returns the layers of the app icon: a dark rounded square with a green gauge at the "on" value. */
function appLayers() {
  const center = { x: 0.5, y: 0.53 };
  const onAngle = valueAngle(ON_VALUE);
  const background = (_x, y) => mix([0x1e, 0x29, 0x3b], [0x0f, 0x17, 0x2a], y);
  const needleTip = polar(center, 0.2, onAngle);

  return [
    // The 824 px body on a 1024 px canvas follows the macOS icon grid.
    { shape: roundedSquare(0.098, 0.18), color: background, alpha: 1 },
    {
      shape: arc(center, 0.26, 0.075, GAUGE_FROM_DEG, GAUGE_TO_DEG),
      color: [0x33, 0x41, 0x55],
      alpha: 1,
    },
    {
      shape: arc(center, 0.26, 0.075, onAngle, GAUGE_TO_DEG),
      color: STATE_COLORS.on,
      alpha: 1,
    },
    {
      shape: capsule(center, needleTip, 0.05),
      color: [0xf1, 0xf5, 0xf9],
      alpha: 1,
    },
    { shape: disc(center, 0.055), color: [0xf1, 0xf5, 0xf9], alpha: 1 },
    { shape: disc(center, 0.025), color: STATE_COLORS.on, alpha: 1 },
  ];
}

function mix(from, to, t) {
  return from.map((channel, index) => channel + (to[index] - channel) * t);
}

/** Renders `layers` into straight (not premultiplied) RGBA bytes, `size` pixels square. */
function render(layers, size) {
  const pixels = Buffer.alloc(size * size * 4);

  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      const x = (column + 0.5) / size;
      const y = (row + 0.5) / size;
      let red = 0;
      let green = 0;
      let blue = 0;
      let alpha = 0;

      // Source-over compositing in premultiplied floats, 0 to 1.
      for (const layer of layers) {
        const coverage = Math.max(
          0,
          Math.min(1, 0.5 - layer.shape(x, y) * size),
        );
        if (coverage === 0) continue;

        const color =
          typeof layer.color === "function" ? layer.color(x, y) : layer.color;
        const layerAlpha = coverage * layer.alpha;
        red = (color[0] / 255) * layerAlpha + red * (1 - layerAlpha);
        green = (color[1] / 255) * layerAlpha + green * (1 - layerAlpha);
        blue = (color[2] / 255) * layerAlpha + blue * (1 - layerAlpha);
        alpha = layerAlpha + alpha * (1 - layerAlpha);
      }

      const offset = (row * size + column) * 4;
      if (alpha > 0) {
        pixels[offset] = Math.round((red / alpha) * 255);
        pixels[offset + 1] = Math.round((green / alpha) * 255);
        pixels[offset + 2] = Math.round((blue / alpha) * 255);
      }
      pixels[offset + 3] = Math.round(alpha * 255);
    }
  }

  return { size, pixels };
}

function pngChunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, checksum]);
}

/** Encodes an image as an 8-bit RGBA PNG, every row with filter type 0 (none). */
function encodePng({ size, pixels }) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);

  const rowBytes = size * 4;
  const scanlines = Buffer.alloc(size * (rowBytes + 1));
  for (let row = 0; row < size; row += 1) {
    pixels.copy(
      scanlines,
      row * (rowBytes + 1) + 1,
      row * rowBytes,
      (row + 1) * rowBytes,
    );
  }

  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(scanlines, { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Encodes an image as an ICO device-independent bitmap: BGRA rows bottom-up, then an all-zero AND mask. */
function encodeIcoBitmap({ size, pixels }) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  // The height counts the colour rows and the mask rows together.
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);

  const colors = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      const from = (row * size + column) * 4;
      const to = ((size - 1 - row) * size + column) * 4;
      colors.set(
        [pixels[from + 2], pixels[from + 1], pixels[from], pixels[from + 3]],
        to,
      );
    }
  }

  const maskRowBytes = Math.ceil(size / 32) * 4;
  return Buffer.concat([header, colors, Buffer.alloc(maskRowBytes * size)]);
}

/** Encodes images as a Windows ICO: bitmaps below 256 px, PNG at 256 px as Windows Vista and later read it. */
function encodeIco(images) {
  const directory = Buffer.alloc(6 + images.length * 16);
  directory.writeUInt16LE(1, 2);
  directory.writeUInt16LE(images.length, 4);

  const bodies = images.map((image) =>
    image.size >= 256 ? encodePng(image) : encodeIcoBitmap(image),
  );
  let offset = directory.length;
  bodies.forEach((body, index) => {
    const entry = 6 + index * 16;
    const size = images[index].size;
    // A width or height byte of 0 means 256.
    directory.writeUInt8(size >= 256 ? 0 : size, entry);
    directory.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    directory.writeUInt16LE(1, entry + 4);
    directory.writeUInt16LE(32, entry + 6);
    directory.writeUInt32LE(body.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += body.length;
  });

  return Buffer.concat([directory, ...bodies]);
}

/** Encodes a macOS ICNS of PNG elements; every length is big-endian and counts its own 8-byte header. */
function encodeIcns(renderAt) {
  // Retina and plain elements share sizes, so each size is encoded once.
  const pngs = new Map();
  const elements = ICNS_ELEMENTS.map(([type, size]) => {
    if (!pngs.has(size)) pngs.set(size, encodePng(renderAt(size)));
    const png = pngs.get(size);
    const header = Buffer.alloc(8);
    header.write(type, 0, "ascii");
    header.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([header, png]);
  });

  const body = Buffer.concat(elements);
  const header = Buffer.alloc(8);
  header.write("icns", 0, "ascii");
  header.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

function writeIcons(outputDir) {
  const trayDir = join(outputDir, "tray");
  mkdirSync(trayDir, { recursive: true });
  const written = [];
  const write = (path, data) => {
    writeFileSync(path, data);
    written.push(path);
  };

  for (const [state, color] of Object.entries(STATE_COLORS)) {
    const [oneX, twoX] = TRAY_SIZES;
    for (const [suffix, glyphColor] of [
      ["", color],
      ["-Template", TEMPLATE_COLOR],
    ]) {
      const layers = trayLayers(state, glyphColor);
      write(
        join(trayDir, `tray-${state}${suffix}.png`),
        encodePng(render(layers, oneX)),
      );
      write(
        join(trayDir, `tray-${state}${suffix}@2x.png`),
        encodePng(render(layers, twoX)),
      );
    }

    const icoImages = TRAY_ICO_SIZES.map((size) =>
      render(trayLayers(state, color), size),
    );
    write(join(trayDir, `tray-${state}.ico`), encodeIco(icoImages));
  }

  const app = appLayers();
  write(join(outputDir, "icon.png"), encodePng(render(app, 1024)));
  write(
    join(outputDir, "icon.ico"),
    encodeIco(APP_ICO_SIZES.map((size) => render(app, size))),
  );
  write(
    join(outputDir, "icon.icns"),
    encodeIcns((size) => render(app, size)),
  );

  return written;
}

const outputDir = process.argv[2] ?? "assets";
const written = writeIcons(outputDir);
process.stdout.write(`wrote ${written.length} icon files under ${outputDir}\n`);
