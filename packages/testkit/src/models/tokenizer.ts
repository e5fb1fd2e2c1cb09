import type { GgufMetadataEntry } from '@hearth/gguf';
import { meta } from '@hearth/gguf';
import { gemma4ChatTemplate } from './chat-template.js';

/** llama.cpp token types (`llama_token_type`). */
const TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, byte: 6 } as const;

/** SentencePiece's visible space: Gemma 4's BPE sees spaces as U+2581. */
export const SPACE_MARK = '\u2581';

/**
 * Gemma 4's special tokens. The chat template, llama.cpp's Gemma 4 chat handler (turns, thinking
 * channel, tool calls, `<|"|>` string quotes) and mtmd (`<|image>`/`<|audio>` media markers) all
 * look these up by text.
 */
export const gemma4SpecialTokens = [
  '<pad>',
  '<eos>',
  '<bos>',
  '<unk>',
  '<mask>',
  '<|turn>',
  '<turn|>',
  '<|think|>',
  '<|channel>',
  '<channel|>',
  '<|tool>',
  '<tool|>',
  '<|tool_call>',
  '<tool_call|>',
  '<|tool_response>',
  '<tool_response|>',
  '<|"|>',
  '<|image>',
  '<image|>',
  '<|audio>',
  '<audio|>',
  '<|image|>',
  '<|audio|>',
  '<|video|>',
] as const;

/** Fixed ids of the tokens the metadata points at. */
export const SpecialTokenId = { pad: 0, eos: 1, bos: 2, unk: 3 } as const;

const baseCharacters = [
  SPACE_MARK,
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'0123456789',
  ...'.,:;!?\'"-_()[]{}<>/=+*&%$#@|\\~`^',
];

/**
 * Training text for the merges: everyday English plus the words the chat template and tool calls
 * use, so prompts tokenize into plausible multi-character pieces instead of single letters.
 */
const mergeCorpus = `
the user asked the model to call a tool and the model answered with a tool call
what is the weather in paris today it is sunny and warm in the city
please read the file and tell me what it says about the project
the system prompt describes the tools that the model can use
declaration description parameters properties required type string object number integer boolean array
call response value name arguments result error content message thought channel turn model user system
hello world this is a test of the tiny model that writes text
search the web for the latest news and summarize the results for me
open the browser take a screenshot of the page and describe the image
listen to the audio clip and write down what the speaker said
compute the sum of two numbers and return the answer as json
the quick brown fox jumps over the lazy dog
`;

export interface Gemma4Vocabulary {
  tokens: string[];
  tokenTypes: number[];
  merges: string[];
}

/** Learns BPE merges on the corpus (most frequent pair first, ties broken by text) up to `vocabSize`. */
function learnMerges(existing: Set<string>, budget: number): { merges: string[]; newTokens: string[] } {
  const wordCounts = new Map<string, number>();
  for (const word of mergeCorpus.split(/\s+/).filter(Boolean)) {
    const piece = SPACE_MARK + word;
    wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
  }
  const words = [...wordCounts].map(([word, count]) => ({ symbols: [...word], count }));
  const merges: string[] = [];
  const newTokens: string[] = [];
  while (newTokens.length < budget) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const pair = `${symbols[i]} ${symbols[i + 1]}`;
        pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [pair, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== undefined && pair < best)) {
        best = pair;
        bestCount = count;
      }
    }
    // Pairs seen once still make useful whole-word tokens; take them in text order.
    if (best === undefined) {
      const singles = [...pairCounts.keys()].sort();
      best = singles[0];
      if (best === undefined) break;
    }
    const [left = '', right = ''] = best.split(' ');
    const merged = left + right;
    merges.push(best);
    if (!existing.has(merged)) {
      existing.add(merged);
      newTokens.push(merged);
    }
    for (const word of words) {
      const next: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (word.symbols[i] === left && word.symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else {
          next.push(word.symbols[i] ?? '');
        }
      }
      word.symbols = next;
    }
  }
  return { merges, newTokens };
}

/**
 * Builds a Gemma 4 style vocabulary of exactly `vocabSize` tokens: specials (control), newline
 * pieces, 256 byte-fallback tokens `<0xNN>`, single characters, then learned BPE merges.
 */
export function buildGemma4Vocabulary(vocabSize: number): Gemma4Vocabulary {
  const tokens: string[] = [];
  const tokenTypes: number[] = [];
  const add = (text: string, type: number) => {
    tokens.push(text);
    tokenTypes.push(type);
  };
  for (const special of gemma4SpecialTokens) {
    add(special, special === '<unk>' ? TokenType.unknown : TokenType.control);
  }
  add('\n', TokenType.normal);
  add('\n\n', TokenType.normal);
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.byte);
  }
  for (const character of baseCharacters) add(character, TokenType.normal);
  const budget = vocabSize - tokens.length;
  if (budget < 0)
    throw new Error(`vocabSize ${vocabSize} is too small: at least ${tokens.length} tokens are needed`);
  const { merges, newTokens } = learnMerges(new Set(tokens), budget);
  for (const token of newTokens) add(token, TokenType.normal);
  // A corpus too small for the budget would leave the vocabulary short; pad with unused tokens.
  for (let i = 0; tokens.length < vocabSize; i++) add(`<unused${i}>`, 5);
  return { tokens, tokenTypes, merges };
}

/** The `tokenizer.*` metadata of a Gemma 4 GGUF (target and drafter use the same). */
export function gemma4TokenizerMetadata(vocabulary: Gemma4Vocabulary): GgufMetadataEntry[] {
  return [
    meta.string('tokenizer.ggml.model', 'gemma4'),
    meta.array('tokenizer.ggml.tokens', 'string', vocabulary.tokens),
    meta.array('tokenizer.ggml.token_type', 'i32', vocabulary.tokenTypes),
    meta.array('tokenizer.ggml.merges', 'string', vocabulary.merges),
    meta.u32('tokenizer.ggml.bos_token_id', SpecialTokenId.bos),
    meta.u32('tokenizer.ggml.eos_token_id', SpecialTokenId.eos),
    meta.u32('tokenizer.ggml.unknown_token_id', SpecialTokenId.unk),
    meta.u32('tokenizer.ggml.padding_token_id', SpecialTokenId.pad),
    meta.bool('tokenizer.ggml.add_bos_token', true),
    meta.bool('tokenizer.ggml.add_eos_token', false),
    meta.string('tokenizer.chat_template', gemma4ChatTemplate),
  ];
}
