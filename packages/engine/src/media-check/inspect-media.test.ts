import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inspectMedia } from './inspect-media.js';
import { MediaInputError } from './media-input-error.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A grey RGB PNG; `claim` overrides the dimensions written in IHDR. */
function png(width: number, height: number, claim = { width, height }): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(claim.width, 0);
  ihdr.writeUInt32BE(claim.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 3 + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A 16-bit PCM WAV of silence; `claim` overrides the header's sample rate / channels. */
function wav(seconds: number, rate = 16000, claim: { rate?: number; channels?: number } = {}): Buffer {
  const channels = claim.channels ?? 1;
  const data = Buffer.alloc(Math.round(seconds * rate) * 2 * channels);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  const claimed = claim.rate ?? rate;
  header.writeUInt32LE(claimed, 24);
  header.writeUInt32LE(claimed * 2 * channels, 28);
  header.writeUInt16LE(2 * channels, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** `frames` MPEG-1 layer III frames at 128 kbit/s, 44.1 kHz (417 bytes each, zero payload). */
function mp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

/** A minimal JPEG structure: SOI, SOF0 with the given size, SOS, a few data bytes, EOI. */
function jpeg(width: number, height: number, withEoi = true): Buffer {
  const sof = Buffer.from([
    0xff,
    0xc0,
    0,
    11,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
  ]);
  const sos = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    sof,
    sos,
    Buffer.from([0x12, 0xff, 0x00, 0x34]),
    Buffer.from(withEoi ? [0xff, 0xd9] : []),
  ]);
}

const refused = (bytes: Uint8Array, kind: 'image' | 'audio', message: RegExp) =>
  expect(() => inspectMedia(bytes, kind, { source: 'upload' })).toThrow(
    expect.objectContaining({ code: 'MEDIA_INPUT', message: expect.stringMatching(message) }),
  );

describe('inspectMedia', () => {
  it('reads the size of valid images and the shape of valid audio', () => {
    expect(inspectMedia(png(3, 2), 'image')).toEqual({
      kind: 'image',
      mimeType: 'image/png',
      width: 3,
      height: 2,
    });
    expect(inspectMedia(jpeg(640, 480), 'image')).toMatchObject({
      mimeType: 'image/jpeg',
      width: 640,
      height: 480,
    });
    expect(inspectMedia(wav(1), 'audio')).toEqual({
      kind: 'audio',
      mimeType: 'audio/wav',
      sampleRate: 16000,
      channels: 1,
      seconds: 1,
    });
    expect(inspectMedia(mp3(40), 'audio')).toMatchObject({ mimeType: 'audio/mpeg', sampleRate: 44100 });
  });

  it('refuses a truncated PNG', () => {
    const whole = png(8, 8);
    refused(whole.subarray(0, whole.length - 20), 'image', /upload: PNG is truncated/);
  });

  it('refuses garbage after a PNG signature', () => {
    const bytes = Buffer.concat([png(2, 2).subarray(0, 8), Buffer.alloc(4000, 0x41)]);
    refused(bytes, 'image', /PNG is truncated|PNG chunk/);
  });

  it('refuses a PNG whose data was changed (bad CRC)', () => {
    const bytes = png(4, 4);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    refused(bytes, 'image', /bad CRC/);
  });

  it('refuses a huge IHDR before decoding anything', () => {
    refused(
      png(1, 1, { width: 100000, height: 100000 }),
      'image',
      /100000x100000 pixels; the largest side accepted is 8192/,
    );
    refused(png(1, 1, { width: 8192, height: 8192 }), 'image', /at most 33554432 are accepted/);
  });

  it('refuses a JPEG without EOI and one claiming no height', () => {
    refused(jpeg(64, 64, false), 'image', /JPEG is truncated: it has no EOI/);
    refused(jpeg(64, 0), 'image', /64x0 pixels \(empty\)/);
  });

  it('refuses WebP and BMP clearly, and audio sent as an image', () => {
    const webp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(64)]);
    refused(webp, 'image', /is WebP, which Hearth's engines do not decode; convert it/);
    refused(wav(1), 'image', /is not an image \(it looks like WAV audio\)/);
  });

  it('refuses a 30-byte WAV', () => {
    refused(wav(1).subarray(0, 30), 'audio', /WAV is truncated/);
  });

  it('refuses a WAV header claiming 1 Hz at once, whatever its length', () => {
    refused(wav(2, 16000, { rate: 1 }), 'audio', /WAV sample rate is 1 Hz; 8000-48000 Hz is accepted/);
  });

  it('refuses many channels, a data chunk longer than the file, and too-short or too-long clips', () => {
    refused(wav(1, 16000, { channels: 6 }), 'audio', /WAV has 6 channels; 1 to 2 are accepted/);
    refused(wav(1).subarray(0, 2000), 'audio', /WAV is truncated: its data chunk claims 32000 bytes/);
    refused(wav(0.01), 'audio', /holds 0.010 s of audio; at least 0.1 s/);
    refused(wav(601, 8000), 'audio', /holds 601.0 s of audio; at most 600 s/);
  });

  it('refuses 0xFF bytes sent as mp3, and a truncated mp3', () => {
    refused(Buffer.alloc(4096, 0xff), 'audio', /MP3 has (a reserved|a free or invalid)/);
    refused(mp3(40).subarray(0, 417 * 10 + 100), 'audio', /MP3 is truncated/);
  });

  it('refuses media over the byte limit and names the limit', () => {
    expect(() => inspectMedia(png(64, 64), 'image', { limits: { maxBytes: 100 } })).toThrow(
      /at most 100 are accepted/,
    );
    expect(MediaInputError.codes).toEqual(['MEDIA_INPUT']);
  });
});
