import { test } from "node:test";
import assert from "node:assert/strict";
import { compose, hflip, normalize, randomCrop, randomHorizontalFlip, toTensor } from "../../src/data/index.js";
import { Generator, arange, tensor, DTypeError, ShapeError, ValueError } from "../../src/index.js";

/** [C,H,W] image whose value at (c, y, x) is 100c + 10y + x. */
function image(c: number, h: number, w: number) {
  const out = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(k * h + y) * w + x] = 100 * k + 10 * y + x;
  return tensor(out, { shape: [c, h, w] });
}

test("hflip mirrors the width; twice is the identity", () => {
  const x = image(2, 2, 3);
  const f = hflip(x);
  assert.deepEqual(f.toArray(), [[[2, 1, 0], [12, 11, 10]], [[102, 101, 100], [112, 111, 110]]]);
  assert.deepEqual(hflip(f).toArray(), x.toArray());
  const always = randomHorizontalFlip(1);
  assert.deepEqual(always(always(x)).toArray(), x.toArray());
  assert.equal(randomHorizontalFlip(0)(x), x);
  // Works on a non-contiguous view as well.
  const t = image(1, 3, 2).transpose(1, 2);
  assert.deepEqual(hflip(t).toArray(), [[[20, 10, 0], [21, 11, 1]]]);
  assert.throws(() => hflip(tensor([1, 2])), (e: unknown) => e instanceof ShapeError && e.message.includes("[2]"));
  assert.throws(() => randomHorizontalFlip(1.5), ValueError);
});

test("randomHorizontalFlip flips about a fraction p, reproducibly by seed", () => {
  const x = image(1, 1, 2);
  const count = (seed: number) => {
    const flip = randomHorizontalFlip(0.3, { generator: new Generator(seed) });
    return Array.from({ length: 1000 }, () => flip(x).toTypedArray()[0] === 1);
  };
  const a = count(5);
  const flipped = a.filter(Boolean).length;
  assert.ok(flipped > 240 && flipped < 360, `${flipped} of 1000`);
  assert.deepEqual(count(5), a);
});

test("randomCrop: shape with padding, window of the padded image, seeded", () => {
  const x = image(3, 4, 4);
  const crop = randomCrop(4, { padding: 2, generator: new Generator(0) });
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const y = crop(x);
    assert.deepEqual(y.shape, [3, 4, 4]);
    // Recover the window origin from a pixel known to be inside, then check every pixel.
    const v = y.toTypedArray();
    let dy = NaN;
    let dx = NaN;
    for (let yy = 0; yy < 4 && Number.isNaN(dy); yy++) {
      for (let xx = 0; xx < 4; xx++) {
        const p = v[yy * 4 + xx];
        if (p !== 0 || (v[16 + yy * 4 + xx] === 100)) {
          dy = Math.floor(p / 10) - yy;
          dx = (p % 10) - xx;
          break;
        }
      }
    }
    seen.add(`${dy},${dx}`);
    assert.ok(dy >= -2 && dy <= 2 && dx >= -2 && dx <= 2);
    for (let c = 0; c < 3; c++) {
      for (let yy = 0; yy < 4; yy++) {
        for (let xx = 0; xx < 4; xx++) {
          const sy = yy + dy;
          const sx = xx + dx;
          const expect = sy >= 0 && sy < 4 && sx >= 0 && sx < 4 ? 100 * c + 10 * sy + sx : 0;
          assert.equal(v[(c * 4 + yy) * 4 + xx], expect);
        }
      }
    }
  }
  assert.ok(seen.size > 10, `only ${seen.size} distinct offsets`);
  const a = randomCrop(4, { padding: 2, generator: new Generator(9) });
  const b = randomCrop(4, { padding: 2, generator: new Generator(9) });
  for (let i = 0; i < 5; i++) assert.deepEqual(a(x).toArray(), b(x).toArray());
});

test("randomCrop: rectangular size, uneven padding, fill value, errors", () => {
  const x = image(1, 5, 6);
  assert.deepEqual(randomCrop([3, 2])(x).shape, [1, 3, 2]);
  // Padding [left, top, right, bottom] = [0, 3, 0, 0] and a crop as tall as the padded image: top rows are fill.
  const y = randomCrop([8, 6], { padding: [0, 3, 0, 0], fill: -1 })(x);
  assert.deepEqual(y.shape, [1, 8, 6]);
  assert.deepEqual((y.toArray() as number[][][])[0][2], new Array(6).fill(-1));
  assert.deepEqual((y.toArray() as number[][][])[0][3], [0, 1, 2, 3, 4, 5]);
  // [leftRight, topBottom]
  assert.deepEqual(randomCrop([7, 10], { padding: [2, 1] })(x).shape, [1, 7, 10]);
  assert.throws(() => randomCrop(7)(x), (e: unknown) => e instanceof ShapeError && e.message.includes("[7,7] is larger than the padded image [5,6]"));
  assert.throws(() => randomCrop(0), ValueError);
  assert.throws(() => randomCrop(2, { padding: -1 }), ValueError);
});

test("normalize: (x − mean[c]) / std[c]", () => {
  const x = image(2, 1, 2); // channel 0: [0, 1], channel 1: [100, 101]
  assert.deepEqual(normalize([0.5, 100], [0.5, 2])(x).toArray(), [[[-1, 1]], [[0, 0.5]]]);
  const batch = arange(0, 8, 1, { dtype: "float64" }).reshape(2, 2, 1, 2);
  const out = normalize([1, 2], [2, 4])(batch);
  assert.equal(out.dtype, "float64");
  assert.deepEqual(out.toArray(), [[[[-0.5, 0]], [[0, 0.25]]], [[[1.5, 2]], [[1, 1.25]]]]);
  assert.throws(() => normalize([0], [1])(x), (e: unknown) => e instanceof ShapeError && e.message.includes("[2,1,2] (2 channels)"));
  assert.throws(() => normalize([0, 0], [1, 0]), /std must be positive/);
  assert.throws(() => normalize([0], [1, 2]), /one entry per channel/);
  assert.throws(() => normalize([0], [1])(tensor([[[1]]], { dtype: "int32" })), DTypeError);
});

test("toTensor: bytes HWC → [C,H,W] in [0,1]; CHW; ImageData-like", () => {
  // 1×2 image, 3 channels: pixel 0 = (255, 0, 51), pixel 1 = (0, 102, 255).
  const hwc = [255, 0, 51, 0, 102, 255];
  const t = toTensor(hwc, [1, 2, 3]);
  assert.deepEqual(t.shape, [3, 1, 2]);
  assert.deepEqual([...t.toTypedArray()], [1, 0, 0, 0.4, 0.2, 1].map(Math.fround));
  assert.deepEqual(toTensor(Uint8Array.from([0, 255]), [1, 1, 2], "CHW").toArray(), [[[0, 1]]]);
  assert.deepEqual(toTensor([0, 255], [1, 2]).shape, [1, 1, 2]);
  const img = toTensor({ data: new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]), width: 2, height: 1 });
  assert.deepEqual(img.shape, [4, 1, 2]);
  assert.deepEqual(img.toArray(), [[[1, 0]], [[0, 0]], [[0, 1]], [[1, 1]]]);
  assert.throws(() => toTensor(hwc, [2, 2, 3]), /shape \[2,2,3\] \(HWC\) does not fit 6 pixels/);
  assert.throws(() => toTensor(hwc), /a shape is needed/);
});

test("compose applies left to right", () => {
  const x = image(1, 1, 2); // [0, 1]
  const t = compose(hflip, normalize([1], [0.5]));
  assert.deepEqual(t(x).toArray(), [[[0, -2]]]);
  assert.equal(compose()(x), x);
});
