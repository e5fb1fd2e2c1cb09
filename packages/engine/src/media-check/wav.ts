import { type AudioInfo, checkAudioShape } from './audio-info.js';
import type { MediaLimits } from './limits.js';
import { ByteReader, MediaFormatProblem } from './reader.js';

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;
const BITS: Record<number, number[]> = { [PCM]: [8, 16, 24, 32], [FLOAT]: [32, 64] };

/**
 * Reads a WAV's RIFF chunks: a `fmt ` chunk with PCM or float samples, 1-2 channels, a sample rate
 * inside the limits and a block size that matches; a `data` chunk wholly inside the file; and a
 * duration inside the limits. All of it before the decoder (which resamples to 16 kHz, so the
 * header's rate decides the cost) sees a byte.
 */
export function inspectWav(bytes: Uint8Array, limits: MediaLimits): AudioInfo {
  const reader = new ByteReader(bytes, 'WAV');
  if (reader.ascii(0, 4, 'the RIFF header') !== 'RIFF' || reader.ascii(8, 4, 'the WAVE tag') !== 'WAVE') {
    throw new MediaFormatProblem('WAV does not start with RIFF....WAVE');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; blockAlign: number } | undefined;
  for (;;) {
    if (offset + 8 > bytes.byteLength) {
      throw new MediaFormatProblem(
        format ? 'WAV has no data chunk' : 'WAV is truncated: it has no fmt chunk',
      );
    }
    const id = reader.ascii(offset, 4, 'a chunk id');
    const size = reader.u32le(offset + 4, 'a chunk size');
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new MediaFormatProblem(`WAV fmt chunk is ${size} bytes; at least 16 are needed`);
      reader.need(body, size, 'the fmt chunk');
      let audioFormat = reader.u16le(body, 'the sample format');
      const channels = reader.u16le(body + 2, 'the channel count');
      const sampleRate = reader.u32le(body + 4, 'the sample rate');
      const byteRate = reader.u32le(body + 8, 'the byte rate');
      const blockAlign = reader.u16le(body + 12, 'the block size');
      const bits = reader.u16le(body + 14, 'the sample size');
      if (audioFormat === EXTENSIBLE) {
        if (size < 40) throw new MediaFormatProblem('WAV extensible fmt chunk is shorter than 40 bytes');
        audioFormat = reader.u16le(body + 24, 'the extensible sub-format');
      }
      if (!BITS[audioFormat]) {
        throw new MediaFormatProblem(`WAV sample format ${audioFormat} is not PCM (1) or float (3)`);
      }
      if (!BITS[audioFormat]?.includes(bits)) {
        throw new MediaFormatProblem(
          `WAV has ${bits}-bit ${audioFormat === PCM ? 'PCM' : 'float'} samples, which are not read`,
        );
      }
      checkAudioShape(
        { kind: 'audio', mimeType: 'audio/wav', sampleRate, channels, seconds: limits.minAudioSeconds },
        limits,
      );
      if (blockAlign !== (channels * bits) / 8 || byteRate !== sampleRate * blockAlign) {
        throw new MediaFormatProblem(
          `WAV fmt chunk is inconsistent: block size ${blockAlign} and byte rate ${byteRate} do not match ${channels} channel(s) of ${bits}-bit samples at ${sampleRate} Hz`,
        );
      }
      format = { channels, sampleRate, blockAlign };
    } else if (id === 'data') {
      if (!format) throw new MediaFormatProblem('WAV data chunk comes before its fmt chunk');
      if (body + size > bytes.byteLength) {
        throw new MediaFormatProblem(
          `WAV is truncated: its data chunk claims ${size} bytes but only ${bytes.byteLength - body} follow`,
        );
      }
      const frames = Math.floor(size / format.blockAlign);
      return checkAudioShape(
        {
          kind: 'audio',
          mimeType: 'audio/wav',
          sampleRate: format.sampleRate,
          channels: format.channels,
          seconds: frames / format.sampleRate,
        },
        limits,
      );
    }
    offset = body + size + (size % 2);
  }
}
