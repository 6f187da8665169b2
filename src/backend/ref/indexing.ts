/** Reference gather/scatter kernels. Index ranges are checked by the ops before these run. */
import type { View } from "../backend.js";
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, numel, type Shape } from "../../tensor/shape.js";
import { forEachRow } from "./strided.js";

export function gather(x: View, axis: number, index: View): TypedArray {
  const out = allocArray(dtypeOfArray(x.data), numel(index.shape));
  const xs = x.strides.map((s, i) => (i === axis ? 0 : s));
  const step = x.strides[axis];
  const xd = x.data;
  const id = index.data;
  let o = 0;
  forEachRow(index.shape, [index.strides, xs], [index.offset, x.offset], (offs, n, [si, sx]) => {
    let i = offs[0];
    let j = offs[1];
    for (let k = 0; k < n; k++, i += si, j += sx) out[o++] = xd[j + id[i] * step];
  });
  return out;
}

export function scatterAdd(shape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const out = allocArray(outDtype, numel(shape));
  const strides = contiguousStrides(shape);
  const os = strides.map((s, i) => (i === axis ? 0 : s));
  const step = strides[axis];
  const id = index.data;
  const sd = src.data;
  forEachRow(index.shape, [index.strides, src.strides, os], [index.offset, src.offset, 0], (offs, n, [si, ss, so]) => {
    let i = offs[0];
    let j = offs[1];
    let o = offs[2];
    for (let k = 0; k < n; k++, i += si, j += ss, o += so) out[o + id[i] * step] += sd[j];
  });
  return out;
}

export function scatterPlanes(src: View, indices: View, planes: number, planeSize: number, outDtype: DType): TypedArray {
  const out = allocArray(outDtype, planes * planeSize);
  const per = numel(src.shape) / Math.max(planes, 1);
  const sd = src.data;
  const id = indices.data;
  // Both are contiguous (the ops make them so): plane p owns elements [p·per, (p+1)·per).
  for (let p = 0; p < planes; p++) {
    const base = p * planeSize;
    for (let k = p * per, end = k + per; k < end; k++) out[base + id[indices.offset + k]] += sd[src.offset + k];
  }
  return out;
}
