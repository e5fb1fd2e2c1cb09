/**
 * The bounds `inspectMedia` enforces. llama.cpp's decoders trust the header: a PNG claiming
 * 100000x100000 pixels, or a WAV claiming 1 Hz (resampled to 16 kHz: a 64 KB file becomes 44 s of
 * CPU and 6 GiB), cost whatever the header says, so the header is bounded before any decoding.
 */
export interface MediaLimits {
  /** Largest media part in bytes. */
  maxBytes: number;
  /** Largest image width or height in pixels. */
  maxImageSide: number;
  /** Largest image area in pixels (width x height). */
  maxImagePixels: number;
  /** Sample rates accepted, in Hz (inclusive). */
  minSampleRate: number;
  maxSampleRate: number;
  /** Most audio channels. */
  maxChannels: number;
  /** Shortest and longest audio clip, in seconds (shorter clips give the audio encoder no frame). */
  minAudioSeconds: number;
  maxAudioSeconds: number;
}

export const defaultMediaLimits: Readonly<MediaLimits> = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxImageSide: 8192,
  maxImagePixels: 8192 * 4096,
  minSampleRate: 8000,
  maxSampleRate: 48000,
  maxChannels: 2,
  minAudioSeconds: 0.1,
  maxAudioSeconds: 600,
});
