/**
 * Reads an image file for `myelin predict`: binary or ASCII PGM (P5/P2) and PNG (via pngjs),
 * converted to the model's channel count and size (nearest-neighbour) as a [1, C, H, W]
 * float32 tensor in [0, 1].
 */
import { readFile } from "node:fs/promises";
import { PNG } from "pngjs";
import { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../errors.js";

interface RawImage {
  width: number;
  height: number;
  /** Interleaved samples in [0, 1]. */
  pixels: Float32Array;
  channels: number;
}

function parsePgm(bytes: Uint8Array, file: string): RawImage {
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 512)));
  const header = /^(P[25])\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s/.exec(text);
  if (!header) throw new ValueError(`${file}: not a PGM file (expected a P5 or P2 header)`);
  const [all, magic, w, h, max] = header;
  const width = Number(w);
  const height = Number(h);
  const maxVal = Number(max);
  if (!(maxVal > 0 && maxVal < 65536)) throw new ValueError(`${file}: PGM maxval ${maxVal} is out of range`);
  const n = width * height;
  const pixels = new Float32Array(n);
  if (magic === "P5") {
    const wide = maxVal > 255;
    const need = all.length + n * (wide ? 2 : 1);
    if (bytes.length < need) throw new ValueError(`${file}: PGM data is truncated (${bytes.length} bytes, need ${need})`);
    for (let i = 0; i < n; i++) {
      const at = all.length + i * (wide ? 2 : 1);
      pixels[i] = (wide ? (bytes[at] << 8) | bytes[at + 1] : bytes[at]) / maxVal;
    }
  } else {
    const values = new TextDecoder("latin1").decode(bytes).slice(all.length).trim().split(/\s+/).map(Number);
    if (values.length < n) throw new ValueError(`${file}: PGM has ${values.length} values, need ${n}`);
    for (let i = 0; i < n; i++) pixels[i] = values[i] / maxVal;
  }
  return { width, height, pixels, channels: 1 };
}

function parsePng(bytes: Uint8Array, file: string): RawImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (e) {
    throw new ValueError(`${file}: not a readable PNG (${e instanceof Error ? e.message : String(e)})`);
  }
  const pixels = new Float32Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    const alpha = png.data[4 * i + 3] / 255;
    // Composite over black, the background of MNIST-style digits.
    for (let c = 0; c < 3; c++) pixels[3 * i + c] = (png.data[4 * i + c] / 255) * alpha;
  }
  return { width: png.width, height: png.height, pixels, channels: 3 };
}

/** Loads `file` as a [1, channels, size, size] tensor. */
export async function readImageTensor(file: string, channels: number, size: number): Promise<Tensor> {
  const bytes = new Uint8Array(await readFile(file));
  const img = bytes[0] === 0x89 && bytes[1] === 0x50 ? parsePng(bytes, file) : parsePgm(bytes, file);
  const out = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / size));
        const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / size));
        const at = (sy * img.width + sx) * img.channels;
        // Gray from RGB by luminance; RGB from gray by replication.
        const v = img.channels === channels ? img.pixels[at + c]
          : channels === 1 ? 0.299 * img.pixels[at] + 0.587 * img.pixels[at + 1] + 0.114 * img.pixels[at + 2]
          : img.pixels[at];
        out[(c * size + y) * size + x] = v;
      }
    }
  }
  return new Tensor(out, [1, channels, size, size]);
}
