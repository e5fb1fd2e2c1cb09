export {
  type MediaFixtures,
  makeMediaFixtures,
  type PatternFacts,
  type ScreenshotFacts,
  type ToneFacts,
} from './fixtures.js';
export { defaultMediaDir } from './media-cache.js';
export { MediaFormatError } from './media-format-error.js';
export { MissingSystemToolError } from './missing-system-tool-error.js';
export { decodePng, encodePng, type RgbaImage } from './png.js';
export { type SpeakOptions, speak } from './speech.js';
export { SystemToolFailedError } from './system-tool-failed-error.js';
export {
  type DecodedWav,
  decodeWav,
  encodeWav,
  type PcmAudio,
  resampleTo16kMono,
  type WavInput,
} from './wav.js';
