const HEARTH_ERROR = Symbol.for('hearth.HearthError');

type ErrorClass<T> = abstract new (...args: never[]) => T;

/**
 * The one base class of every error Hearth throws. Each subclass has a stable `name` (its class
 * name) and a machine-readable `code` (`MODEL_CRASHED`, `TOOL_INPUT`, ...) that programs branch on;
 * how a code is shown to a person (a CLI exit code, an HTTP status) is decided by whoever shows it,
 * never by the error.
 *
 * `isInstance` works across copies of a package (two versions in one `node_modules`), where
 * `instanceof` does not: the names of the class and of every Hearth class above it are stored under
 * a global symbol.
 */
export class HearthError extends Error {
  /** Machine-readable kind of failure; stable across releases. */
  readonly code: string;
  /** Class names from this error's class up to `HearthError`. */
  readonly [HEARTH_ERROR]: readonly string[];

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const names: string[] = [];
    for (let klass: unknown = new.target; klass !== Error && typeof klass === 'function'; ) {
      names.push(klass.name);
      klass = Object.getPrototypeOf(klass);
    }
    this[HEARTH_ERROR] = names;
    this.name = new.target.name;
  }

  /**
   * True for an instance of this class (or a subclass), also one made by another copy of Hearth.
   * Call it on the class (`ToolInputError.isInstance(e)`); a detached reference has no class to ask.
   */
  static isInstance<T>(this: ErrorClass<T>, value: unknown): value is T {
    if (typeof value !== 'object' || value === null) return false;
    const names = (value as { [HEARTH_ERROR]?: unknown })[HEARTH_ERROR];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass asked (`ToolInputError.isInstance`), not HearthError.
    return Array.isArray(names) && names.includes(this.name);
  }
}
