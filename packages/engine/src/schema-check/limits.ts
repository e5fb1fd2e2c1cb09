/**
 * Bounds on the JSON Schemas turned into llama.cpp grammars. The grammar builder expands every
 * bound into rules: `minLength: 1000000` is a million rules, `minimum: 1e300` a 300-digit range,
 * `$ref: "#"` an endless expansion, and each of these aborted the model host.
 */
export const schemaLimits = Object.freeze({
  /** Largest schema, as JSON text. */
  maxJsonChars: 64 * 1024,
  /** Deepest nesting of schema objects. */
  maxDepth: 24,
  /** Largest minLength / minItems / minProperties. */
  maxMinCount: 500,
  /** Largest maxLength / maxItems / maxProperties. */
  maxMaxCount: 2000,
  /** Largest |minimum| / |maximum| (integers beyond it cannot be written exactly anyway). */
  maxAbsBound: Number.MAX_SAFE_INTEGER,
  /** Longest `pattern`. */
  maxPatternChars: 256,
  /** Largest `{n,m}` repetition inside a pattern. */
  maxPatternRepeat: 100,
  /** Most entries in `enum`, `anyOf`/`oneOf`/`allOf`, `properties`. */
  maxBranches: 256,
});
