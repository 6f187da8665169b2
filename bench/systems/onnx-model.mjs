/**
 * A minimal ONNX model writer: just enough protobuf (varints and length-delimited fields) to
 * encode a ModelProto with one graph of nodes, float32 initializers (raw_data, little-endian as
 * this machine stores a Float32Array), int/ints attributes and fixed-shape float32 inputs and
 * outputs, for onnxruntime to load from memory. Field numbers follow onnx/onnx.proto (proto2;
 * repeated scalars written unpacked, as declared).
 */

const WIRE_VARINT = 0, WIRE_BYTES = 2;
const FLOAT = 1; // TensorProto.DataType
const ATTR_INT = 2, ATTR_INTS = 7; // AttributeProto.AttributeType
const IR_VERSION = 7; // the IR of opset 13 (ONNX 1.8)
const utf8 = new TextEncoder();

/** Base-128 varint; negative integers as 64-bit two's complement (int64 fields). */
function varint(n) {
  let v = BigInt.asUintN(64, BigInt(n));
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return new Uint8Array(out);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const tag = (field, wire) => varint((field << 3) | wire);
/** A varint field. */
const int = (field, n) => concat([tag(field, WIRE_VARINT), varint(n)]);
/** A length-delimited field: bytes, a string, or an embedded message given as its parts. */
const bytes = (field, value) => {
  const body = typeof value === "string" ? utf8.encode(value) : value instanceof Uint8Array ? value : concat(value);
  return concat([tag(field, WIRE_BYTES), varint(body.length), body]);
};

/** TensorProto: a named float32 initializer of the given dims. */
export function tensor(name, dims, data) {
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`onnx tensor ${name}: ${data.length} values for dims [${dims}]`);
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return concat([...dims.map((d) => int(1, d)), int(2, FLOAT), bytes(8, name), bytes(9, raw)]);
}

/** ValueInfoProto: a float32 tensor input or output of fixed dims. */
export function valueInfo(name, dims) {
  const shape = dims.map((d) => bytes(1, [int(1, d)])); // TensorShapeProto.dim { dim_value }
  const tensorType = [int(1, FLOAT), bytes(2, shape)]; // TypeProto.Tensor { elem_type, shape }
  return concat([bytes(1, name), bytes(2, [bytes(1, tensorType)])]); // { name, type { tensor_type } }
}

/** AttributeProto from an integer (INT) or a list of integers (INTS). */
function attribute(name, value) {
  if (Array.isArray(value)) return concat([bytes(1, name), int(20, ATTR_INTS), ...value.map((v) => int(8, v))]);
  if (Number.isInteger(value)) return concat([bytes(1, name), int(20, ATTR_INT), int(3, value)]);
  throw new Error(`onnx attribute ${name}: only integers and integer lists are supported, got ${value}`);
}

/** NodeProto: `opType` reading `inputs`, writing `outputs`, with integer attributes. */
export function node(opType, inputs, outputs, attrs = {}) {
  return concat([
    ...inputs.map((s) => bytes(1, s)),
    ...outputs.map((s) => bytes(2, s)),
    bytes(4, opType),
    ...Object.entries(attrs).map(([k, v]) => bytes(5, attribute(k, v))),
  ]);
}

/**
 * The serialized ModelProto (default opset 13) of one graph. `nodes`, `initializers`, `inputs` and
 * `outputs` are the encodings returned by node, tensor and valueInfo.
 */
export function model({ nodes, initializers = [], inputs, outputs, opset = 13 }) {
  const graph = [
    ...nodes.map((n) => bytes(1, n)),
    bytes(2, "graph"),
    ...initializers.map((t) => bytes(5, t)),
    ...inputs.map((v) => bytes(11, v)),
    ...outputs.map((v) => bytes(12, v)),
  ];
  return concat([int(1, IR_VERSION), bytes(2, "myelin-bench"), bytes(7, graph), bytes(8, [int(2, opset)])]);
}
