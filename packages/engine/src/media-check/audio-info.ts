import type { MediaLimits } from './limits.js';
import { MediaFormatProblem } from './reader.js';

export interface AudioInfo {
  kind: 'audio';
  mimeType: string;
  sampleRate: number;
  channels: number;
  seconds: number;
}

/** Refuses sample rates, channel counts and durations outside the limits, naming the value and the bound. */
export function checkAudioShape(info: AudioInfo, limits: MediaLimits): AudioInfo {
  const format = info.mimeType === 'audio/wav' ? 'WAV' : 'MP3';
  if (info.sampleRate < limits.minSampleRate || info.sampleRate > limits.maxSampleRate) {
    throw new MediaFormatProblem(
      `${format} sample rate is ${info.sampleRate} Hz; ${limits.minSampleRate}-${limits.maxSampleRate} Hz is accepted`,
    );
  }
  if (info.channels < 1 || info.channels > limits.maxChannels) {
    throw new MediaFormatProblem(
      `${format} has ${info.channels} channels; 1 to ${limits.maxChannels} are accepted`,
    );
  }
  if (info.seconds < limits.minAudioSeconds) {
    throw new MediaFormatProblem(
      `${format} holds ${info.seconds.toFixed(3)} s of audio; at least ${limits.minAudioSeconds} s is needed`,
    );
  }
  if (info.seconds > limits.maxAudioSeconds) {
    throw new MediaFormatProblem(
      `${format} holds ${info.seconds.toFixed(1)} s of audio; at most ${limits.maxAudioSeconds} s is accepted`,
    );
  }
  return info;
}
