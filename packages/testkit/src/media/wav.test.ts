import { describe, expect, it } from 'vitest';
import { MediaFormatError } from './media-format-error.js';
import { rms, zeroCrossingFrequency } from './test-support/audio-measures.js';
import { decodeWav, encodeWav, resampleTo16kMono } from './wav.js';

function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

describe('encodeWav / decodeWav', () => {
  it('round-trips 16-bit mono and stereo samples exactly', () => {
    const mono = Int16Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const decodedMono = decodeWav(encodeWav({ sampleRate: 22_050, samples: mono }));
    expect(decodedMono.sampleRate).toBe(22_050);
    expect(decodedMono.channels).toBe(1);
    expect([...decodedMono.samples]).toEqual([...mono]);
    expect(decodedMono.durationSeconds).toBeCloseTo(1001 / 22_050, 9);

    const stereo = Int16Array.from([1, -1, 300, -300, 32767, -32768]);
    const decodedStereo = decodeWav(encodeWav({ sampleRate: 48_000, channels: 2, samples: stereo }));
    expect(decodedStereo.channels).toBe(2);
    expect([...decodedStereo.samples]).toEqual([...stereo]);
    expect(decodedStereo.durationSeconds).toBeCloseTo(3 / 48_000, 9);
  });

  it('writes a canonical 44-byte header and converts floats with clipping', () => {
    const wav = encodeWav({ sampleRate: 16_000, samples: Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2]) });
    expect(wav.length).toBe(44 + 7 * 2);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(28)).toBe(32_000); // byte rate
    expect([...decodeWav(wav).samples]).toEqual([0, 16384, -16383, 32767, -32767, 32767, -32767]);
  });

  it('skips unknown chunks and reads WAVE_FORMAT_EXTENSIBLE PCM', () => {
    const plain = encodeWav({ sampleRate: 8000, samples: Int16Array.from([5, -5, 7]) });
    const list = Buffer.concat([
      Buffer.from('LIST', 'latin1'),
      Buffer.from([3, 0, 0, 0]),
      Buffer.from('abc\0'),
    ]);
    const fmt = Buffer.alloc(8 + 40);
    fmt.write('fmt ', 0, 'latin1');
    fmt.writeUInt32LE(40, 4);
    fmt.writeUInt16LE(0xfffe, 8);
    fmt.writeUInt16LE(1, 10);
    fmt.writeUInt32LE(8000, 12);
    fmt.writeUInt32LE(16_000, 16);
    fmt.writeUInt16LE(2, 20);
    fmt.writeUInt16LE(16, 22);
    fmt.writeUInt16LE(22, 24);
    fmt.writeUInt16LE(16, 26);
    fmt.writeUInt16LE(1, 32); // sub-format GUID begins with WAVE_FORMAT_PCM
    const file = Buffer.concat([plain.subarray(0, 12), list, fmt, plain.subarray(36)]);
    const decoded = decodeWav(file);
    expect(decoded.sampleRate).toBe(8000);
    expect([...decoded.samples]).toEqual([5, -5, 7]);
  });

  it('refuses malformed and unsupported files with a MediaFormatError that says why', () => {
    const wav = encodeWav({ sampleRate: 16_000, samples: new Int16Array(100) });
    expect(() => decodeWav(Buffer.from('not a wav file at all'))).toThrow(/no RIFF\/WAVE header/);
    expect(() => decodeWav(wav.subarray(0, 100))).toThrow(/truncated/);
    const float = Buffer.from(wav);
    float.writeUInt16LE(3, 20);
    float.writeUInt16LE(32, 34);
    expect(() => decodeWav(float)).toThrow(/32-bit float; only 16-bit PCM is read. Convert with: sox/);
    try {
      decodeWav(float);
    } catch (error) {
      expect(MediaFormatError.isInstance(error)).toBe(true);
      expect((error as MediaFormatError).format).toBe('wav');
    }
  });
});

describe('resampleTo16kMono', () => {
  it('downmixes 44.1 kHz stereo and keeps a 440 Hz tone at 440 Hz and its level', () => {
    const left = sine(440, 44_100, 1);
    const stereo = new Float32Array(left.length * 2);
    for (let i = 0; i < left.length; i++) {
      stereo[i * 2] = left[i] as number;
      stereo[i * 2 + 1] = left[i] as number;
    }
    const input = decodeWav(encodeWav({ sampleRate: 44_100, channels: 2, samples: stereo }));
    const output = resampleTo16kMono(input);
    expect(output.sampleRate).toBe(16_000);
    expect(output.channels).toBe(1);
    expect(output.samples.length).toBe(16_000);
    expect(zeroCrossingFrequency(output.samples, 16_000)).toBeCloseTo(440, 0);
    // A 0.5-amplitude sine has RMS 0.354; check away from the edges.
    expect(rms(output.samples, 1000, 15_000)).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('filters out frequencies above 8 kHz instead of aliasing them', () => {
    const high = encodeWav({ sampleRate: 44_100, samples: sine(11_000, 44_100, 0.5) });
    const output = resampleTo16kMono(decodeWav(high));
    // Unfiltered decimation would fold 11 kHz to 5 kHz at full level (RMS 0.35).
    expect(rms(output.samples, 500, output.samples.length - 500)).toBeLessThan(0.01);
  });

  it('upsamples 8 kHz and passes 16 kHz mono through unchanged', () => {
    const upsampled = resampleTo16kMono(
      decodeWav(encodeWav({ sampleRate: 8000, samples: sine(300, 8000, 1) })),
    );
    expect(upsampled.samples.length).toBe(16_000);
    expect(zeroCrossingFrequency(upsampled.samples, 16_000)).toBeCloseTo(300, 0);
    const already = Int16Array.from([1, 2, 3]);
    expect([...resampleTo16kMono({ sampleRate: 16_000, channels: 1, samples: already }).samples]).toEqual([
      1, 2, 3,
    ]);
  });
});
