export type { AudioInfo } from './audio-info.js';
export type { ImageInfo } from './image-size.js';
export { inspectMedia, type MediaInfo } from './inspect-media.js';
export { defaultMediaLimits, type MediaLimits } from './limits.js';
export { MediaInputError } from './media-input-error.js';
