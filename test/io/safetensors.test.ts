/**
 * The safetensors codec: round trips of every dtype (0-d and empty tensors, metadata), the
 * 8-byte aligned header, a tiny file's bytes checked by hand, corrupt inputs that fail with a
 * message naming the problem and the offset, and cross-checks with Python (the `safetensors`
 * package when installed; otherwise by hand: JSON header + numpy.frombuffer).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tensor, Tensor, ValueError } from "../../src/index.js";
import { encodeSafetensors, decodeSafetensors } from "../../src/io/safetensors.js";
import { assertSameTensor, pythonHas, runPython } from "./helpers.js";

const u64le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff, 0, 0, 0, 0];
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** A file made by hand: the length, the header text as given, the data bytes. */
function rawFile(header: string, data: number[] = []): Uint8Array {
  return Uint8Array.from([...u64le(header.length), ...ascii(header), ...data]);
}

const sample = (): Record<string, Tensor> => ({
  f32: tensor([[1.5, -2, 3.25], [0, -0, 1e-30]]),
  f64: tensor([Math.PI, -1e300, Number.MIN_VALUE, Infinity, -Infinity, NaN], { dtype: "float64" }),
  i32: tensor([[-2147483648, 2147483647], [0, -1]], { dtype: "int32" }),
  bool: tensor([1, 0, 1], { dtype: "bool" }),
  scalar: Tensor.scalar(7.5),
  empty: tensor([], { dtype: "float32" }),
  empty2d: tensor([], { shape: [2, 0, 3], dtype: "int32" }),
});

describe("encode/decode", () => {
  it("round-trips float32, float64, int32, bool, 0-d and empty tensors and metadata", () => {
    const tensors = sample();
    const meta = { format: "pt", note: "ünïcödé ✓", empty: "" };
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, meta));
    assert.deepEqual(Object.keys(back).sort(), Object.keys(tensors).sort());
    for (const [k, t] of Object.entries(tensors)) assertSameTensor(back[k], t, k);
    assert.deepEqual(metadata, meta);
    assert.deepEqual(back.scalar.shape, []);
    assert.equal(back.scalar.item(), 7.5);
  });

  it("no tensors and no metadata is a valid file; metadata defaults to {}", () => {
    const bytes = encodeSafetensors({});
    assert.deepEqual(decodeSafetensors(bytes), { tensors: {}, metadata: {} });
  });

  it("non-contiguous tensors are written in row-major order", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1);
    const back = decodeSafetensors(encodeSafetensors({ t })).tensors.t;
    assert.deepEqual(back.shape, [3, 2]);
    assert.deepEqual(Array.from(back.toTypedArray()), [1, 4, 2, 5, 3, 6]);
  });

  it("decoded tensors own their memory (no aliasing of the input bytes)", () => {
    const bytes = encodeSafetensors({ a: tensor([1, 2]) });
    const a = decodeSafetensors(bytes).tensors.a;
    bytes.fill(0);
    assert.deepEqual(Array.from(a.toTypedArray()), [1, 2]);
  });

  it("decodes from a Uint8Array view with a non-zero byteOffset", () => {
    const bytes = encodeSafetensors({ a: tensor([1, 2, 3], { dtype: "float64" }) });
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    assertSameTensor(decodeSafetensors(padded.subarray(3)).tensors.a, tensor([1, 2, 3], { dtype: "float64" }));
  });

  it("pads the header with spaces so the data starts 8-byte aligned", () => {
    for (let len = 1; len <= 9; len++) {
      const name = "x".repeat(len);
      const bytes = encodeSafetensors({ [name]: tensor([1], { dtype: "float64" }) }, len % 2 ? { k: "v".repeat(len) } : {});
      const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      assert.equal((8 + headerLen) % 8, 0, `name length ${len}`);
      const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
      assert.match(text, /^\{.*\} *$/);
      assert.ok(text.length - text.trimEnd().length < 8, "at most 7 padding spaces");
    }
  });

  it("writes exactly the bytes of the format (checked by hand)", () => {
    // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes; 8 + 54 = 62, so two
    // spaces pad the header to 56. Then 1.5 = 0x3FC00000 and -2 = 0xC0000000, little-endian.
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  ';
    assert.equal(header.length, 56);
    const expected = [56, 0, 0, 0, 0, 0, 0, 0, ...ascii(header), 0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0];
    assert.deepEqual(Array.from(encodeSafetensors({ a: tensor([1.5, -2]) })), expected);
  });

  it("lays tensors out back to back in insertion order, metadata first in the header", () => {
    const bytes = encodeSafetensors({ b: tensor([7], { dtype: "int32" }), a: tensor([1, 0], { dtype: "bool" }) }, { k: "v" });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
    assert.deepEqual(header, {
      __metadata__: { k: "v" },
      b: { dtype: "I32", shape: [1], data_offsets: [0, 4] },
      a: { dtype: "BOOL", shape: [2], data_offsets: [4, 6] },
    });
    assert.deepEqual(Array.from(bytes.subarray(8 + headerLen)), [7, 0, 0, 0, 1, 0]);
  });

  it("refuses a tensor named __metadata__", () => {
    assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), /"__metadata__" is reserved/);
  });
});

describe("corrupt input", () => {
  const bad = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(() => decodeSafetensors(bytes, "model.safetensors"), (e: Error) => e instanceof ValueError && pattern.test(e.message) && e.message.startsWith("model.safetensors: "));
  const f32Entry = '"dtype":"F32","shape":[2],"data_offsets":';

  it("too short for the length field", () => {
    bad(new Uint8Array(5), /5 bytes is too short for a safetensors file \(needs an 8-byte header length\)/);
    bad(new Uint8Array(0), /0 bytes is too short/);
  });

  it("header length beyond the file", () => {
    bad(Uint8Array.from([...u64le(100), ...ascii("{}")]), /header length 100 at offset 0 exceeds the file size 10/);
    // A length ≥ 2^53 (top byte set) must not wrap around.
    bad(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0xff, ...ascii("{}")]), /header length \d+ at offset 0 exceeds the file size 10/);
  });

  it("header that is not JSON, or not a JSON object", () => {
    bad(rawFile('{"a": '), /header at offset 8 is not valid JSON/);
    bad(rawFile("[1,2]"), /header at offset 8 must be a JSON object, got \[1,2\]/);
    bad(rawFile("null"), /header at offset 8 must be a JSON object, got null/);
  });

  it("data offsets out of range, reversed or not matching the shape", () => {
    // 8 data bytes at file offset 8 + header length; the entry asks for [0, 16].
    const h1 = `{"w":{${f32Entry}[0,16]}}`;
    bad(rawFile(h1, new Array(8).fill(0)), new RegExp(`tensor "w" \\(F32 \\[2\\]\\) has data offsets \\[0, 16\\] \\(file offsets ${8 + h1.length}\\.\\.${8 + h1.length + 16}\\) that do not hold its 8 bytes within the 8 data bytes at offset ${8 + h1.length}`));
    bad(rawFile(`{"w":{${f32Entry}[8,0]}}`, new Array(8).fill(0)), /data offsets \[8, 0\]/);
    bad(rawFile(`{"w":{${f32Entry}[0,4]}}`, new Array(8).fill(0)), /data offsets \[0, 4\].*its 8 bytes/);
    bad(rawFile(`{"w":{${f32Entry}[-4,4]}}`, new Array(8).fill(0)), /tensor "w" in the header at offset 8 has invalid data_offsets \[-4,4\]/);
    bad(rawFile(`{"w":{${f32Entry}[0.5,8.5]}}`, new Array(9).fill(0)), /invalid data_offsets \[0.5,8.5\]/);
    bad(rawFile(`{"w":{"dtype":"F32","shape":[2]}}`, new Array(8).fill(0)), /invalid data_offsets undefined \(expected \[begin, end\]\)/);
  });

  it("unknown dtype, bad shape, bad entry, bad metadata", () => {
    bad(rawFile('{"w":{"dtype":"C64","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /tensor "w" in the header at offset 8 has unsupported dtype "C64" \(supported: F32, F64, I32, BOOL, I64, I16, I8, U8, F16, BF16\)/);
    bad(rawFile('{"w":{"dtype":"toString","shape":[],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /unsupported dtype "toString"/);
    bad(rawFile('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /tensor "w" in the header at offset 8 has an invalid shape \[-1\]/);
    bad(rawFile('{"w":{"dtype":"F32","shape":"2","data_offsets":[0,4]}}', [0, 0, 0, 0]), /invalid shape "2"/);
    bad(rawFile('{"w":[1]}'), /tensor "w" in the header at offset 8 must be an object \{dtype, shape, data_offsets\}, got \[1\]/);
    bad(rawFile('{"__metadata__":{"k":1}}'), /"__metadata__" in the header at offset 8 must map strings to strings, got \{"k":1\}/);
  });

  it("without a name, messages say 'safetensors data'", () => {
    assert.throws(() => decodeSafetensors(new Uint8Array(3)), (e: Error) => e.message.startsWith("safetensors data: 3 bytes"));
  });
});

describe("interoperability with Python", () => {
  const numpyReader = `
import json, sys, numpy as np
b = open(sys.argv[1], "rb").read()
n = int.from_bytes(b[:8], "little")
h = json.loads(b[8:8 + n])
assert (8 + n) % 8 == 0
kinds = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "BOOL": "?"}
out = {"__metadata__": h.pop("__metadata__", {})}
for k, e in h.items():
    s, t = e["data_offsets"]
    a = np.frombuffer(b[8 + n + s: 8 + n + t], dtype=kinds[e["dtype"]]).reshape(e["shape"])
    out[k] = {"dtype": e["dtype"], "shape": list(a.shape), "values": [repr(float(v)) for v in a.reshape(-1)]}
print(json.dumps(out))
`;
  const numpyWriter = `
import json, sys, numpy as np
arrays = {"w": np.arange(6, dtype="<f4").reshape(2, 3) / 4, "d": np.array([1e-310, -0.0, 2.5], dtype="<f8"),
          "i": np.array([[-7], [9]], dtype="<i4"), "m": np.array([True, False]), "s": np.array(3.5, dtype="<f4")}
header, blobs, at = {"__metadata__": {"from": "numpy"}}, [], 0
for k, a in arrays.items():
    raw = a.tobytes()
    header[k] = {"dtype": {"float32": "F32", "float64": "F64", "int32": "I32", "bool": "BOOL"}[str(a.dtype)], "shape": list(a.shape), "data_offsets": [at, at + len(raw)]}
    blobs.append(raw); at += len(raw)
h = json.dumps(header).encode()
open(sys.argv[1], "wb").write(len(h).to_bytes(8, "little") + h + b"".join(blobs))
`;
  const hasNumpy = pythonHas("numpy");
  const hasSafetensors = pythonHas("safetensors.numpy");

  const withDir = (fn: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), "myelin-st-"));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const expectedFromPython = (): Record<string, Tensor> => ({
    w: tensor([[0, 0.25, 0.5], [0.75, 1, 1.25]]),
    d: tensor([1e-310, -0, 2.5], { dtype: "float64" }),
    i: tensor([[-7], [9]], { dtype: "int32" }),
    m: tensor([1, 0], { dtype: "bool" }),
    s: Tensor.scalar(3.5),
  });

  it("numpy reads our file by hand (JSON header + frombuffer)", { skip: hasNumpy ? false : "python3 with numpy is not available" }, () => {
    withDir((dir) => {
      const file = join(dir, "ours.safetensors");
      const tensors = sample();
      writeFileSync(file, encodeSafetensors(tensors, { format: "pt" }));
      const got = JSON.parse(runPython(numpyReader, [file])) as Record<string, { dtype: string; shape: number[]; values: string[] }>;
      assert.deepEqual(got.__metadata__, { format: "pt" });
      for (const [k, t] of Object.entries(tensors)) {
        assert.deepEqual(got[k].shape, [...t.shape], k);
        // Python's repr of a float is the shortest round-tripping text, as is JS's String.
        const ours = Array.from(t.toTypedArray(), (v) => Number(v));
        assert.deepEqual(got[k].values.map((s) => (s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s))), ours, k);
      }
    });
  });

  it("we read a file numpy wrote by hand", { skip: hasNumpy ? false : "python3 with numpy is not available" }, () => {
    withDir((dir) => {
      const file = join(dir, "numpy.safetensors");
      runPython(numpyWriter, [file]);
      const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(file)), file);
      assert.deepEqual(metadata, { from: "numpy" });
      for (const [k, t] of Object.entries(expectedFromPython())) assertSameTensor(tensors[k], t, k);
    });
  });

  it(
    "the safetensors package reads our file and we read its file",
    { skip: hasSafetensors ? false : "the Python package safetensors is not installed (pip install safetensors to run this cross-check)" },
    () => {
      withDir((dir) => {
        const ours = join(dir, "ours.safetensors");
        writeFileSync(ours, encodeSafetensors(sample(), { format: "pt" }));
        const script = `
import json, sys, numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file
d = load_file(sys.argv[1])
with safe_open(sys.argv[1], "np") as f: meta = f.metadata()
print(json.dumps({"meta": meta, "t": {k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": [repr(float(x)) for x in v.reshape(-1)]} for k, v in d.items()}}))
save_file({"w": np.arange(6, dtype="<f4").reshape(2, 3) / 4, "d": np.array([1e-310, -0.0, 2.5]), "i": np.array([[-7], [9]], dtype="<i4"),
           "m": np.array([True, False]), "s": np.array(3.5, dtype="<f4")}, sys.argv[2], metadata={"from": "numpy"})
`;
        const theirs = join(dir, "theirs.safetensors");
        const out = JSON.parse(runPython(script, [ours, theirs])) as { meta: Record<string, string>; t: Record<string, { shape: number[]; dtype: string; values: string[] }> };
        assert.deepEqual(out.meta, { format: "pt" });
        const dtypes: Record<string, string> = { float32: "float32", float64: "float64", int32: "int32", bool: "bool" };
        for (const [k, t] of Object.entries(sample())) {
          assert.deepEqual(out.t[k].shape, [...t.shape], k);
          assert.equal(out.t[k].dtype, dtypes[t.dtype], k);
          const vals = out.t[k].values.map((s) => (s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s)));
          assert.deepEqual(vals, Array.from(t.toTypedArray(), Number), k);
        }
        const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(theirs)), theirs);
        assert.deepEqual(metadata, { from: "numpy" });
        for (const [k, t] of Object.entries(expectedFromPython())) assertSameTensor(tensors[k], t, k);
      });
    },
  );
});

describe("decodeSafetensors reads PyTorch's other dtypes", () => {
  const le16 = (...v: number[]) => v.flatMap((x) => [x & 0xff, (x >> 8) & 0xff]);
  const le64 = (...v: bigint[]) => v.flatMap((x) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, x, true);
    return [...b];
  });
  const one = (dtype: string, shape: number[], data: number[]) =>
    decodeSafetensors(rawFile(`{"t":{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[0,${data.length}]}}`, data)).tensors.t;

  it("I64 → int32 (BatchNorm's num_batches_tracked), with a range check naming the element", () => {
    const t = one("I64", [3], le64(5n, -7n, 2147483647n));
    assert.equal(t.dtype, "int32");
    assert.deepEqual(t.toArray(), [5, -7, 2147483647]);
    assert.throws(() => one("I64", [2], le64(1n, 1n << 40n)), /tensor "t" \(I64\) element 1 = 1099511627776 does not fit int32/);
  });

  it("F16 and BF16 → float32, exactly", () => {
    // half: 1, −2, 2^−24 (smallest subnormal), 65504 (largest), +∞, 1/3 rounded (0x3555)
    const h = one("F16", [6], le16(0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x3555));
    assert.equal(h.dtype, "float32");
    assert.deepEqual(Array.from(h.toTypedArray()), [1, -2, 2 ** -24, 65504, Infinity, 1365 / 4096]);
    assert.ok(Number.isNaN(one("F16", [1], le16(0x7e00)).item()));
    // bfloat16 is the top half of a float32: 1, −3, 0.15625
    assert.deepEqual(Array.from(one("BF16", [3], le16(0x3f80, 0xc040, 0x3e20)).toTypedArray()), [1, -3, 0.15625]);
  });

  it("U8, I8, I16 → int32", () => {
    assert.deepEqual(one("U8", [2], [200, 7]).toArray(), [200, 7]);
    assert.deepEqual(one("I8", [2], [0xff, 7]).toArray(), [-1, 7]);
    assert.deepEqual(one("I16", [2], le16(0xfffe, 300)).toArray(), [-2, 300]);
  });
});
