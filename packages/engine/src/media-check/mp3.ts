import { type AudioInfo, checkAudioShape } from './audio-info.js';
import type { MediaLimits } from './limits.js';
import { ByteReader, MediaFormatProblem } from './reader.js';

// Bitrates in kbit/s by [MPEG-1 or not][layer I, II, III][index 1..14].
const BITRATES = {
  mpeg1: [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  mpeg2: [
    [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const SAMPLE_RATES = [44100, 48000, 32000];

interface Frame {
  length: number;
  samples: number;
  sampleRate: number;
  channels: number;
}

/** Decodes one MPEG audio frame header at `offset`, or says what is wrong with it. */
function frameAt(reader: ByteReader, offset: number): Frame | string {
  const b1 = reader.u8(offset + 1, 'a frame header');
  const b2 = reader.u8(offset + 2, 'a frame header');
  const b3 = reader.u8(offset + 3, 'a frame header');
  if (reader.bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return 'no frame sync';
  const version = (b1 >> 3) & 3; // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
  const layerBits = (b1 >> 1) & 3; // 3: layer I, 2: layer II, 1: layer III
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1) return 'a reserved MPEG version';
  if (layerBits === 0) return 'a reserved layer';
  if (bitrateIndex === 0 || bitrateIndex === 15) return 'a free or invalid bitrate';
  if (rateIndex === 3) return 'a reserved sample rate';
  const layer = 4 - layerBits; // 1, 2 or 3
  const mpeg1 = version === 3;
  const sampleRate = (SAMPLE_RATES[rateIndex] as number) / (mpeg1 ? 1 : version === 2 ? 2 : 4);
  const bitrate = (BITRATES[mpeg1 ? 'mpeg1' : 'mpeg2'][layer - 1]?.[bitrateIndex - 1] as number) * 1000;
  const padding = (b2 >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  return { length, samples, sampleRate, channels: b3 >> 6 === 3 ? 1 : 2 };
}

/**
 * Walks an MP3 frame by frame: an optional ID3v2 tag, then valid frame headers back to back to the
 * end of the file (an ID3v1 tag may close it), all at one sample rate, and a total duration inside
 * the limits. 0xFF bytes, a truncated frame or garbage between frames are refused.
 */
export function inspectMp3(bytes: Uint8Array, limits: MediaLimits): AudioInfo {
  const reader = new ByteReader(bytes, 'MP3');
  let offset = 0;
  if (bytes.byteLength >= 10 && reader.ascii(0, 3, 'the ID3 tag') === 'ID3') {
    const size = [6, 7, 8, 9].map((at) => reader.u8(at, 'the ID3 tag size'));
    if (size.some((value) => value & 0x80)) throw new MediaFormatProblem('MP3 ID3 tag size is malformed');
    const [a, b, c, d] = size as [number, number, number, number];
    offset = 10 + ((a << 21) | (b << 14) | (c << 7) | d) + (reader.u8(5, 'the ID3 flags') & 0x10 ? 10 : 0);
  }
  let first: Frame | undefined;
  let samples = 0;
  while (offset < bytes.byteLength) {
    if (first && bytes.byteLength - offset === 128 && reader.ascii(offset, 3, 'a tag') === 'TAG') break;
    const frame = frameAt(reader, offset);
    if (typeof frame === 'string') {
      throw new MediaFormatProblem(`MP3 has ${frame} at byte ${offset} (the file is corrupt or not MP3)`);
    }
    if (first && frame.sampleRate !== first.sampleRate) {
      throw new MediaFormatProblem(`MP3 changes sample rate at byte ${offset}`);
    }
    if (offset + frame.length > bytes.byteLength) {
      throw new MediaFormatProblem(`MP3 is truncated: the frame at byte ${offset} runs past the end`);
    }
    first ??= frame;
    samples += frame.samples;
    offset += frame.length;
  }
  if (!first) throw new MediaFormatProblem('MP3 has no audio frame');
  return checkAudioShape(
    {
      kind: 'audio',
      mimeType: 'audio/mpeg',
      sampleRate: first.sampleRate,
      channels: first.channels,
      seconds: samples / first.sampleRate,
    },
    limits,
  );
}
