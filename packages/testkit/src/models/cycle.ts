import { randomNormal } from './random.js';
import type { Gemma4Vocabulary } from './tokenizer.js';
import { SPACE_MARK } from './tokenizer.js';

/**
 * Designed weights for the `cycle` pair.
 *
 * Every token x has a successor next(x): the letter after x's last character when that character is
 * a lowercase ASCII letter (z wraps to a), otherwise `a`. Tokens are grouped into 26 classes by
 * successor, and class k owns hidden dimension k. A token's embedding is a unit spike on its class
 * dimension plus a little noise on the dimensions no class uses. The untied output head's row for
 * letter k reads dimension k, so the logits rank next(x) first as long as the residual stream stays
 * dominated by the input embedding, which small post-norm gains guarantee (each layer adds a vector
 * of RMS `postNormGain` to a stream of RMS about 1). Layer widths do not change the result, which
 * lets a benchmark make the target expensive without changing its output.
 *
 * The drafter sees concat(target_embedding(token) * sqrt(D), target_hidden): its pre-projection
 * copies the 26 class dimensions of the embedding half, and its tied output head reads them the
 * same way, so it predicts next(token) too and the target accepts its drafts.
 */
export const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const CLASS_COUNT = LETTERS.length;

/** Minimum hidden size of a cycle model: one dimension per class plus room for noise. */
export const MIN_CYCLE_HIDDEN = 32;

/** Post-norm gain of every layer in the cycle pair. */
export const CYCLE_POST_NORM_GAIN = 0.02;

/** Index (0-25) of the letter that follows text ending in `text`'s last character. */
function successorClass(text: string): number {
  const last = text.replaceAll(SPACE_MARK, ' ').at(-1);
  // `indexOf('')` would be 0, so an empty text must be handled before the lookup.
  const index = last === undefined ? -1 : LETTERS.indexOf(last);
  return index < 0 ? 0 : (index + 1) % CLASS_COUNT;
}

/** Ids of the single-letter tokens a..z. */
function letterIds(vocabulary: Gemma4Vocabulary): number[] {
  return [...LETTERS].map((letter) => {
    const id = vocabulary.tokens.indexOf(letter);
    if (id < 0) throw new Error(`vocabulary lacks the letter token "${letter}"`);
    return id;
  });
}

/** Only normal tokens (and bytes) have a text successor; control tokens behave like "not a letter". */
function tokenText(vocabulary: Gemma4Vocabulary, id: number): string {
  return vocabulary.tokenTypes[id] === 1 ? (vocabulary.tokens[id] ?? '') : '';
}

/** Designed `token_embd` and `output` for the target. */
export function cycleTargetOverrides(
  vocabulary: Gemma4Vocabulary,
  hiddenSize: number,
  seed: number,
): Map<string, Float32Array> {
  const vocab = vocabulary.tokens.length;
  const noise = randomNormal(
    seed,
    'cycle.noise',
    vocab * hiddenSize,
    0.3 / Math.sqrt(hiddenSize - CLASS_COUNT),
  );
  const embedding = new Float32Array(vocab * hiddenSize);
  for (let id = 0; id < vocab; id++) {
    const row = id * hiddenSize;
    for (let j = CLASS_COUNT; j < hiddenSize; j++) embedding[row + j] = noise[row + j] ?? 0;
    embedding[row + successorClass(tokenText(vocabulary, id))] = 1;
  }
  const output = new Float32Array(vocab * hiddenSize);
  letterIds(vocabulary).forEach((id, letter) => {
    output[id * hiddenSize + letter] = 1;
  });
  return new Map([
    ['token_embd.weight', embedding],
    ['output.weight', output],
  ]);
}

/**
 * Classes the drafter gets wrong so that about `1 - accuracy` of its guesses miss: evenly spaced,
 * never adjacent (at most 13 of 26), so each miss is a single redirected class.
 */
export function missedClasses(accuracy: number): number[] {
  if (!(accuracy >= 0.5 && accuracy <= 1)) {
    throw new RangeError(`cycle draftAccuracy must be between 0.5 and 1, got ${accuracy}`);
  }
  const misses = Math.round(CLASS_COUNT * (1 - accuracy));
  return Array.from({ length: misses }, (_, i) => Math.floor((i * CLASS_COUNT) / misses));
}

/**
 * Designed pre-projection and tied output head for the drafter. For a missed class k the drafter
 * answers the letter after the right one: row k+1 of its head reads class k as well, row k reads
 * nothing. The target then rejects that draft, so acceptance drops while the output stays exact.
 */
export function cycleAssistantOverrides(
  vocabulary: Gemma4Vocabulary,
  targetHiddenSize: number,
  hiddenSize: number,
  accuracy = 1,
): Map<string, Float32Array> {
  const vocab = vocabulary.tokens.length;
  // pre_projection [2D, d]: row i (one per drafter dimension) reads input column i (embedding half).
  const inputs = 2 * targetHiddenSize;
  const preProjection = new Float32Array(inputs * hiddenSize);
  for (let i = 0; i < CLASS_COUNT; i++) preProjection[i * inputs + i] = 1;
  const ids = letterIds(vocabulary);
  const output = new Float32Array(vocab * hiddenSize);
  ids.forEach((id, letter) => {
    output[id * hiddenSize + letter] = 1;
  });
  for (const missed of missedClasses(accuracy)) {
    const right = ids[missed] ?? 0;
    const wrong = ids[(missed + 1) % CLASS_COUNT] ?? 0;
    output[right * hiddenSize + missed] = 0;
    output[wrong * hiddenSize + missed] = 1;
  }
  return new Map([
    ['nextn.pre_projection.weight', preProjection],
    ['token_embd.weight', output],
  ]);
}

/**
 * The text the `cycle` model emits greedily: `tokens` letters continuing the alphabet after the
 * prompt's last character (after `a`..`y` comes the next letter, after `z` comes `a`, and after
 * anything else, such as a chat template's closing token, comes `a`).
 *
 * @param prompt the prompt text as the model sees it (for chat, the rendered template; its last
 *   character decides the first letter). Pass `''` when the prompt ends in a special token.
 * @param tokens how many tokens are generated (each is one letter).
 */
export function expectedCycleText(prompt: string, tokens: number): string {
  let letter = successorClass(prompt);
  let text = '';
  for (let i = 0; i < tokens; i++) {
    text += LETTERS[letter];
    letter = (letter + 1) % CLASS_COUNT;
  }
  return text;
}
