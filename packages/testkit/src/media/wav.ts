import { MediaFormatError } from './media-format-error.js';

/** 16-bit PCM audio; with more than one channel, samples are interleaved (L, R, L, R, ...). */
export interface PcmAudio {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

/** What {@link decodeWav} returns: the PCM data plus its length in seconds. */
export interface DecodedWav extends PcmAudio {
  durationSeconds: number;
}

/** Input to {@link encodeWav}: float samples in [-1, 1] (clipped) or 16-bit integers, interleaved. */
export interface WavInput {
  sampleRate: number;
  channels?: number;
  samples: Float32Array | Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 8;

/** Converts float samples in [-1, 1] (clipping anything outside) to 16-bit integers. */
function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] as number));
    out[i] = Math.round(s * 32767);
  }
  return out;
}

/** Encodes audio as a canonical 44-byte-header RIFF/WAVE file, 16-bit PCM, little-endian. */
export function encodeWav(input: WavInput): Buffer {
  const channels = input.channels ?? 1;
  if (!Number.isInteger(input.sampleRate) || input.sampleRate < 1) {
    throw new RangeError(`encodeWav: sampleRate must be a positive integer, got ${input.sampleRate}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw new RangeError(`encodeWav: channels must be an integer from 1 to ${MAX_CHANNELS}, got ${channels}`);
  }
  if (input.samples.length % channels !== 0) {
    throw new RangeError(
      `encodeWav: ${input.samples.length} samples cannot be split evenly into ${channels} interleaved channels`,
    );
  }
  const samples = input.samples instanceof Int16Array ? input.samples : floatToInt16(input.samples);
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(input.sampleRate, 24);
  out.writeUInt32LE(input.sampleRate * channels * 2, 28);
  out.writeUInt16LE(channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] as number, 44 + i * 2);
  return out;
}

/**
 * Decodes a RIFF/WAVE file of 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE), any channel count.
 * Unknown chunks (LIST, fact, ...) are skipped. Throws {@link MediaFormatError} for malformed files and
 * for other sample formats (8/24/32-bit, float, compressed), naming the sox command that converts them.
 */
export function decodeWav(wav: Uint8Array): DecodedWav {
  const bytes = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
  const fail = (message: string): never => {
    throw new MediaFormatError('wav', `decodeWav: ${message}`);
  };
  if (
    bytes.length < 12 ||
    bytes.toString('latin1', 0, 4) !== 'RIFF' ||
    bytes.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    fail('not a WAV file (no RIFF/WAVE header)');
  }
  let format: { channels: number; sampleRate: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) fail(`fmt chunk at byte ${offset} is truncated`);
      let formatTag = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const sampleRate = bytes.readUInt32LE(body + 4);
      const bitsPerSample = bytes.readUInt16LE(body + 14);
      if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) fail('WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
        // The sub-format GUID starts with the plain format tag.
        formatTag = bytes.readUInt16LE(body + 24);
      }
      if (formatTag !== WAVE_FORMAT_PCM || bitsPerSample !== 16) {
        const what =
          formatTag === 3 ? `${bitsPerSample}-bit float` : `format ${formatTag}, ${bitsPerSample}-bit`;
        fail(
          `samples are ${what}; only 16-bit PCM is read. Convert with: sox in.wav -b 16 -e signed out.wav`,
        );
      }
      if (channels < 1) fail('fmt chunk says 0 channels');
      if (sampleRate < 1) fail('fmt chunk says sample rate 0');
      format = { channels, sampleRate };
    } else if (id === 'data') {
      if (format === undefined) fail('data chunk comes before the fmt chunk');
      const { channels, sampleRate } = format as { channels: number; sampleRate: number };
      if (body + size > bytes.length) {
        fail(`data chunk declares ${size} bytes but only ${bytes.length - body} follow (truncated?)`);
      }
      const frames = Math.floor(size / (2 * channels));
      const samples = new Int16Array(frames * channels);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(body + i * 2);
      return { sampleRate, channels, samples, durationSeconds: frames / sampleRate };
    }
    offset = body + size + (size % 2); // chunks are padded to an even length
  }
  return fail(format === undefined ? 'no fmt chunk' : 'no data chunk (the file has no audio)');
}

const TARGET_RATE = 16_000;
/** Zero crossings of the sinc kernel on each side: a steep, clean low-pass at modest cost. */
const KERNEL_HALF_ZEROS = 16;
/** Pass band edge as a fraction of the lower Nyquist frequency; the rest is the transition band. */
const PASS_FRACTION = 0.9;

/**
 * Converts audio to 16 kHz mono 16-bit, the format Gemma 4's audio input expects: channels are averaged,
 * then a Blackman-windowed sinc filter resamples (low-passing below the new Nyquist frequency when
 * downsampling, so high frequencies do not alias). Audio already at 16 kHz mono comes back unchanged.
 */
export function resampleTo16kMono(audio: PcmAudio): PcmAudio {
  const { channels, sampleRate } = audio;
  if (!Number.isInteger(channels) || channels < 1) {
    throw new RangeError(`resampleTo16kMono: channels must be a positive integer, got ${channels}`);
  }
  if (!(sampleRate > 0))
    throw new RangeError(`resampleTo16kMono: sampleRate must be positive, got ${sampleRate}`);
  const frames = Math.floor(audio.samples.length / channels);
  if (channels === 1 && sampleRate === TARGET_RATE) {
    return { sampleRate, channels, samples: audio.samples.slice(0, frames) };
  }
  const mono = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += audio.samples[f * channels + c] as number;
    mono[f] = sum / channels;
  }
  const resampled = sampleRate === TARGET_RATE ? mono : resample(mono, sampleRate, TARGET_RATE);
  const samples = new Int16Array(resampled.length);
  for (let i = 0; i < resampled.length; i++) {
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(resampled[i] as number)));
  }
  return { sampleRate: TARGET_RATE, channels: 1, samples };
}

function resample(input: Float64Array, fromRate: number, toRate: number): Float64Array {
  const ratio = toRate / fromRate;
  // Cut-off in cycles per input sample (input Nyquist = 0.5).
  const cutoff = 0.5 * PASS_FRACTION * Math.min(1, ratio);
  const halfWidth = KERNEL_HALF_ZEROS / (2 * cutoff);
  const output = new Float64Array(Math.round(input.length * ratio));
  for (let i = 0; i < output.length; i++) {
    const centre = i / ratio;
    const first = Math.max(0, Math.ceil(centre - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(centre + halfWidth));
    let sum = 0;
    let weightSum = 0;
    for (let j = first; j <= last; j++) {
      const x = j - centre;
      const u = 2 * cutoff * x;
      const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
      const w = Math.PI * (x / halfWidth);
      const blackman = 0.42 + 0.5 * Math.cos(w) + 0.08 * Math.cos(2 * w);
      const weight = sinc * blackman;
      sum += (input[j] as number) * weight;
      weightSum += weight;
    }
    // Normalising by the summed weights gives exact unity gain at DC, also near the edges.
    output[i] = weightSum === 0 ? 0 : sum / weightSum;
  }
  return output;
}
