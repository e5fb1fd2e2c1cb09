/**
 * Deterministic pseudo-random numbers (mulberry32), so a generator with the same options and seed
 * writes identical bytes. Each tensor gets its own stream derived from (seed, tensor name), which
 * keeps a tensor's values stable when other tensors are added or removed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number, stream = '') {
    let hash = (seed ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < stream.length; i++) {
      hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193) >>> 0;
    }
    this.state = hash;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** `count` normal values with standard deviation `scale`. */
export function randomNormal(seed: number, stream: string, count: number, scale: number): Float32Array {
  const random = new SeededRandom(seed, stream);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = random.normal() * scale;
  return values;
}

/** `count` copies of `value` (norm gains, scales). */
export function filled(count: number, value: number): Float32Array {
  return new Float32Array(count).fill(value);
}
