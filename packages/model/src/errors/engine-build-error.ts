import { HearthError } from '@hearth/engine';

/**
 * Thrown by `buildNativeEngine` (`hearth engine build`): `ENGINE_BUILD_TOOLS` when a tool the build
 * needs (git, cmake, a C++ compiler, ninja) is missing, before anything starts (the message says what
 * to install); `ENGINE_BUILD_FAILED` when a step failed (the message names the step and holds the
 * end of its output). Nothing is installed after a failure: the previous build, if any, stays.
 */
export class EngineBuildError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['ENGINE_BUILD_TOOLS', 'ENGINE_BUILD_FAILED'] as const;
  /** The tools that were not found (`ENGINE_BUILD_TOOLS` only). */
  readonly missingTools: string[];

  constructor(
    code: (typeof EngineBuildError.codes)[number],
    message: string,
    options?: { missingTools?: string[]; cause?: unknown },
  ) {
    super(code, message, { cause: options?.cause });
    this.missingTools = options?.missingTools ?? [];
  }
}
