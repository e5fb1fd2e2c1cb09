export { ChromiumNotFoundError, type ChromiumPathSource } from './errors/chromium-not-found-error.js';
export { CHROMIUM_ARGS, type LaunchChromiumOptions, launchChromium } from './launch-chromium.js';
