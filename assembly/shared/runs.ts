/**
 * Helpers shared by the sliding-window kernels (conv.ts, pool.ts); inlined into each module.
 * A "run" is the range of outputs along one axis whose input position for a given kernel tap
 * (at offset `shift` from the output's window start) lies inside the unpadded input.
 */

/** First output of the run: [runStart, runEnd] (empty when end < start). */
@inline export function runStart(shift: i32, s: i32): i32 {
  return shift >= 0 ? 0 : (s - 1 - shift) / s;
}

/** Last output of the run (−1 when none). */
@inline export function runEnd(shift: i32, s: i32, inSize: i32, outSize: i32): i32 {
  const last = inSize - 1 - shift;
  return last < 0 ? -1 : min(outSize - 1, last / s);
}
