/**
 * Sum reduction of float32 data in WebAssembly (AssemblyScript; built by scripts/build-wasm.mjs
 * into src/backend/wasm/kernels.generated.ts), with exactly the arithmetic of the reference
 * kernel in src/backend/ref/reduce.ts: every output accumulates its inputs one by one, in f64,
 * in row-major order of the input, and is rounded to f32 once at the end.
 *
 * Contract of `sum3`: x is a [d0, d1, d2] float32 view (element strides sx*, any sign) and acc
 * an f64 array addressed through strides so* (0 on reduced axes); acc must start at 0. `toF32`
 * then writes the n rounded sums. Pointers are byte addresses; nothing is allocated.
 */

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

/** acc[i0·so0 + i1·so1 + i2·so2] += x[i0·sx0 + i1·sx1 + i2·sx2] over the whole shape, in row-major order. */
export function sum3(
  d0: i32, d1: i32, d2: i32, x: usize, sx0: i32, sx1: i32, sx2: i32, acc: usize, so0: i32, so1: i32, so2: i32,
): void {
  const stepX = <isize>sx2 << 2, stepO = <isize>so2 << 3;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let px = <isize>x + ((<isize>i0 * sx0 + <isize>i1 * sx1) << 2);
      let po = <isize>acc + ((<isize>i0 * so0 + <isize>i1 * so1) << 3);
      if (so2 == 0) {
        // The whole row goes into one sum: keep it in a register.
        let s = load<f64>(po);
        for (let k = 0; k < d2; k++, px += stepX) s += <f64>load<f32>(px);
        store<f64>(po, s);
      } else {
        for (let k = 0; k < d2; k++, px += stepX, po += stepO) store<f64>(po, load<f64>(po) + <f64>load<f32>(px));
      }
    }
  }
}

/** out[0..n) = acc[0..n) rounded to f32. */
export function toF32(n: i32, acc: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}
