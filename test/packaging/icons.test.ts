import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  decodePng,
  type IcoEntry,
  type RgbaImage,
  readIcns,
  readIco,
} from "./icon-files.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ASSETS = join(ROOT, "assets");
const STATES = ["on", "off", "error"] as const;

function readPng(path: string): RgbaImage {
  return decodePng(readFileSync(join(ASSETS, path)));
}

/** Counts pixels whose colour channels are not all zero, ignoring fully transparent ones. */
function countColouredPixels({ pixels }: RgbaImage): number {
  let count = 0;
  for (let offset = 0; offset < pixels.length; offset += 4) {
    const alpha = pixels[offset + 3] ?? 0;
    const rgb =
      (pixels[offset] ?? 0) |
      (pixels[offset + 1] ?? 0) |
      (pixels[offset + 2] ?? 0);
    if (alpha > 0 && rgb !== 0) count += 1;
  }
  return count;
}

function countOpaquePixels({ pixels }: RgbaImage): number {
  let count = 0;
  for (let offset = 3; offset < pixels.length; offset += 4) {
    if (pixels[offset] === 255) count += 1;
  }
  return count;
}

/** Returns the colour of the first fully opaque pixel, as `[red, green, blue]`. */
function firstOpaqueColour({ pixels }: RgbaImage): number[] {
  for (let offset = 0; offset < pixels.length; offset += 4) {
    if (pixels[offset + 3] === 255)
      return [...pixels.subarray(offset, offset + 3)];
  }
  throw new Error("The image has no opaque pixel.");
}

function sizesOf(entries: readonly IcoEntry[]): number[] {
  return entries.map((entry) => entry.width);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/** Returns the pixels of each image in an icon file, decoding PNG entries so zlib versions cannot matter. */
function imagesOf(path: string): Buffer[] {
  const data = readFileSync(path);
  if (path.endsWith(".png")) return [decodePng(data).pixels];
  if (path.endsWith(".ico")) {
    return readIco(data).map((entry) =>
      entry.format === "png" ? decodePng(entry.data).pixels : entry.data,
    );
  }
  if (path.endsWith(".icns")) {
    return readIcns(data).map((element) => decodePng(element.data).pixels);
  }
  throw new Error(
    `Unexpected icon file ${path}; expected .png, .ico or .icns.`,
  );
}

describe("tray icons", () => {
  it.each(STATES)("has a 16 px and a 32 px @2x PNG for %s", (state) => {
    expect(readPng(`tray/tray-${state}.png`).width).toBe(16);
    expect(readPng(`tray/tray-${state}.png`).height).toBe(16);
    expect(readPng(`tray/tray-${state}@2x.png`).width).toBe(32);
    expect(readPng(`tray/tray-${state}@2x.png`).height).toBe(32);
  });

  it.each(STATES)(
    "draws the %s template image in black and alpha only",
    (state) => {
      for (const name of [
        `tray-${state}-Template.png`,
        `tray-${state}-Template@2x.png`,
      ]) {
        const image = readPng(`tray/${name}`);

        expect(countColouredPixels(image)).toBe(0);
        expect(countOpaquePixels(image)).toBeGreaterThan(0);
      }
    },
  );

  it("tells the states apart in the template images", () => {
    const [on, off, error] = STATES.map(
      (state) => readPng(`tray/tray-${state}-Template.png`).pixels,
    );

    expect(on?.equals(off ?? Buffer.alloc(0))).toBe(false);
    expect(on?.equals(error ?? Buffer.alloc(0))).toBe(false);
    expect(off?.equals(error ?? Buffer.alloc(0))).toBe(false);
  });

  it("colours on green, off grey and error red", () => {
    const [red, green, blue] = [0, 1, 2];
    const on = firstOpaqueColour(readPng("tray/tray-on.png"));
    const off = firstOpaqueColour(readPng("tray/tray-off.png"));
    const error = firstOpaqueColour(readPng("tray/tray-error.png"));

    expect(on[green]).toBeGreaterThan(Math.max(on[red] ?? 0, on[blue] ?? 0));
    expect(error[red]).toBeGreaterThan(
      Math.max(error[green] ?? 0, error[blue] ?? 0),
    );
    expect(Math.max(...off) - Math.min(...off)).toBeLessThan(32);
  });

  it.each(STATES)("has a Windows ICO for %s from 16 to 48 px", (state) => {
    const entries = readIco(
      readFileSync(join(ASSETS, `tray/tray-${state}.ico`)),
    );

    expect(sizesOf(entries)).toEqual([16, 20, 24, 32, 40, 48]);
    expect(entries.every((entry) => entry.bitCount === 32)).toBe(true);
  });
});

describe("app icon", () => {
  it("is a 1024 px PNG", () => {
    const image = readPng("icon.png");

    expect(image.width).toBe(1024);
    expect(image.height).toBe(1024);
  });

  it("has a Windows ICO up to 256 px, stored as PNG at 256", () => {
    const entries = readIco(readFileSync(join(ASSETS, "icon.ico")));
    const largest = entries.at(-1);

    expect(sizesOf(entries)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(largest?.format).toBe("png");
    expect(decodePng(largest?.data ?? Buffer.alloc(0)).width).toBe(256);
  });

  it("has an ICNS whose PNG elements match their declared sizes", () => {
    const expectedSizes: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      ic11: 32,
      ic12: 64,
      ic07: 128,
      ic13: 256,
      ic08: 256,
      ic14: 512,
      ic09: 512,
      ic10: 1024,
    };
    const elements = readIcns(readFileSync(join(ASSETS, "icon.icns")));

    expect(elements.map((element) => element.type).sort()).toEqual(
      Object.keys(expectedSizes).sort(),
    );
    for (const element of elements) {
      expect(decodePng(element.data).width, element.type).toBe(
        expectedSizes[element.type],
      );
    }
  });
});

describe("make-icons script", () => {
  let outputDir: string;

  beforeAll(() => {
    outputDir = mkdtempSync(join(tmpdir(), "tokentap-icons-"));
    const result = spawnSync(
      process.execPath,
      ["scripts/make-icons.mjs", outputDir],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    if (result.status !== 0) {
      throw new Error(`scripts/make-icons.mjs failed: ${result.stderr}`);
    }
  }, 60_000);

  afterAll(() => {
    if (outputDir) rmSync(outputDir, { recursive: true, force: true });
  });

  it("writes exactly the committed files", () => {
    expect(listFiles(outputDir)).toEqual(listFiles(ASSETS));
  });

  it("reproduces the pixels of every committed icon", () => {
    for (const file of listFiles(outputDir)) {
      const generated = imagesOf(join(outputDir, file));
      const committed = imagesOf(join(ASSETS, file));

      expect(committed.length, file).toBe(generated.length);
      generated.forEach((pixels, index) =>
        expect(
          pixels.equals(committed[index] ?? Buffer.alloc(0)),
          `${file} image ${index}`,
        ).toBe(true),
      );
    }
  });
});
