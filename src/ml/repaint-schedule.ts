/**
 * RePaint's resampling schedule (Lugmayr et al. 2022) as plain numbers, without tfjs, so the CLI's
 * help and the page can show the defaults.
 */
export interface Resampling {
  /** Steps taken before going back (the paper's jump length). */
  readonly jumpLength: number;
  /** How many times each stretch is taken (the paper's r; 1 = no resampling). */
  readonly jumpCount: number;
}

/**
 * The paper's defaults, jump length 10 and 10 resamplings at T = 250 steps, with the jump length
 * scaled to the same share of a shorter run (at least 1 step): 20 steps → 1, 50 → 2, 250 → 10.
 */
export function defaultResampling(steps: number): Resampling {
  return { jumpLength: Math.max(1, Math.round((10 * steps) / 250)), jumpCount: 10 };
}

/**
 * The order of moves, as diffusers' RePaintScheduler.set_timesteps: 1 is one step down, −k goes
 * back k steps. Each stretch of `jumpLength` steps (except the noisiest) is taken `jumpCount` times.
 */
export function repaintMoves(steps: number, r: Resampling): number[] {
  const { jumpLength, jumpCount } = r;
  if (!Number.isInteger(jumpLength) || jumpLength < 1)
    throw new RangeError(`jump length must be a positive integer, got ${jumpLength}`);
  if (!Number.isInteger(jumpCount) || jumpCount < 1)
    throw new RangeError(`resample count must be a positive integer, got ${jumpCount}`);
  const jumps = new Map<number, number>();
  for (let j = 0; j < steps - jumpLength; j += jumpLength) jumps.set(j, jumpCount - 1);
  const moves: number[] = [];
  // t counts inference steps still to take, as in diffusers.
  let t = steps;
  while (t >= 1) {
    t -= 1;
    moves.push(1);
    const left = jumps.get(t) ?? 0;
    if (left > 0) {
      jumps.set(t, left - 1);
      t += jumpLength;
      moves.push(-jumpLength);
    }
  }
  return moves;
}
