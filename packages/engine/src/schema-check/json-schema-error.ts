import { HearthError } from '../hearth-error.js';

/**
 * Thrown by `checkJsonSchema` before a request reaches an engine when a JSON Schema (a
 * `responseFormat` or a tool's parameters) is outside the supported subset or its limits: a
 * recursive `$ref`, an unsafe or unanchored `pattern`, a bound too large to turn into a grammar,
 * an unknown keyword, too deep or too big. `path` is where in the schema (`properties.name.pattern`).
 * Code `JSON_SCHEMA_UNSUPPORTED`; `hearth serve` answers it with HTTP 400.
 */
export class JsonSchemaError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['JSON_SCHEMA_UNSUPPORTED'] as const;
  readonly path: string;

  constructor(where: string, path: string, problem: string) {
    super(
      'JSON_SCHEMA_UNSUPPORTED',
      `${where}: ${path ? `${path}: ` : ''}${problem} (see the supported JSON Schema subset in the @hearth/engine README)`,
    );
    this.path = path;
  }
}
