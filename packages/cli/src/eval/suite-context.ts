/**
 * Where suites keep the media they make (screen-qa screenshots, spoken WAVs) and how speech is made:
 * espeak-ng through the testkit, loaded only when a spoken case is spoken.
 */
export const suiteContext = (mediaDir: string) => ({
  mediaDir,
  speak: async (text: string, dir: string) => (await import('@hearth/testkit')).speak(text, { dir }),
});
