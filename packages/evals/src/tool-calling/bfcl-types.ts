/** BFCL's python-ish parameter schema: JSON-Schema-like, with type names such as `dict`, `float`, `tuple`, `any`. */
export interface BfclParameterSchema {
  type?: string;
  description?: string;
  properties?: Record<string, BfclParameterSchema>;
  required?: string[];
  items?: BfclParameterSchema;
  enum?: unknown[];
  default?: unknown;
  [key: string]: unknown;
}

/** One function offered to the model, as in BFCL's `function` field. */
export interface BfclFunction {
  name: string;
  description?: string;
  parameters: BfclParameterSchema;
}

/** BFCL's ground truth: one entry per expected call, `{functionName: {param: [acceptable values]}}`. */
export type BfclGroundTruth = Array<Record<string, Record<string, unknown[]>>>;

/** A case of the tool-calling suite: one BFCL question with its functions and (except irrelevance) its answer. */
export interface ToolCallingCase {
  id: string;
  category: string;
  /** The conversation of BFCL's first turn (`question[0]`). */
  messages: Array<{ role: string; content: string }>;
  functions: BfclFunction[];
  /** Absent for irrelevance categories, where the right answer is no call. */
  groundTruth?: BfclGroundTruth;
}
