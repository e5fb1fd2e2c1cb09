/** Measurements on 16-bit PCM used by the media tests. */

/** Frequency from sign changes: half a cycle between consecutive crossings (exact zeros skipped). */
export function zeroCrossingFrequency(samples: Int16Array, sampleRate: number): number {
  const crossings: number[] = [];
  let lastSign = 0;
  samples.forEach((s, i) => {
    const sign = Math.sign(s);
    if (sign === 0) return;
    if (lastSign !== 0 && sign !== lastSign) crossings.push(i);
    lastSign = sign;
  });
  const first = crossings[0] as number;
  const last = crossings[crossings.length - 1] as number;
  return (crossings.length - 1) / 2 / ((last - first) / sampleRate);
}

/** Root mean square of samples [from, to), as a fraction of full scale. */
export function rms(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
  return Math.sqrt(sum / (to - from)) / 32768;
}
