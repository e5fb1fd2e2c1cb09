/**
 * Google's published scores for Gemma 4 12B and 26B-A4B (percent), shown in reports beside this run's
 * numbers and always labelled "published": they are not measured here, and on other benchmarks.
 * `closestSuite` names the suite of ours that exercises a similar skill, for a reader who wants to look
 * across; it is never a claim that the numbers are comparable.
 */
export interface PublishedScore {
  benchmark: string;
  gemma4_12b: number | null;
  gemma4_26bA4b: number | null;
  closestSuite: string | null;
  note?: string;
}

export const publishedScores: readonly PublishedScore[] = [
  { benchmark: 'MMLU-Pro', gemma4_12b: 77.2, gemma4_26bA4b: 82.6, closestSuite: null },
  { benchmark: 'AIME 2026', gemma4_12b: 77.5, gemma4_26bA4b: 88.3, closestSuite: null },
  { benchmark: 'GPQA Diamond', gemma4_12b: 78.8, gemma4_26bA4b: 82.3, closestSuite: null },
  { benchmark: 'LiveCodeBench v6', gemma4_12b: 72.0, gemma4_26bA4b: 77.1, closestSuite: null },
  { benchmark: 'τ2-bench airline', gemma4_12b: 75.0, gemma4_26bA4b: 76.0, closestSuite: 'stateful' },
  { benchmark: 'τ2-bench retail', gemma4_12b: 77.6, gemma4_26bA4b: 85.5, closestSuite: 'stateful' },
  { benchmark: 'τ2-bench telecom', gemma4_12b: 54.4, gemma4_26bA4b: 43.0, closestSuite: 'stateful' },
  { benchmark: 'Terminal-Bench Hard', gemma4_12b: 18.0, gemma4_26bA4b: 14.0, closestSuite: 'planning' },
  { benchmark: 'MMMU-Pro', gemma4_12b: 69.1, gemma4_26bA4b: 73.8, closestSuite: 'screen-qa' },
  { benchmark: 'MATH-Vision', gemma4_12b: 79.7, gemma4_26bA4b: 82.4, closestSuite: 'screen-qa' },
  {
    benchmark: 'Audio input',
    gemma4_12b: null,
    gemma4_26bA4b: null,
    closestSuite: 'spoken',
    note: 'the 12B hears audio; the 26B-A4B has no audio input (n/a)',
  },
];
