import { HearthError } from '@hearth/engine';

/**
 * What a `hearth run` whose run was cancelled by `hearth runs cancel` ends with, instead of the bare
 * abort the run stopped with. The message says how to continue it. Code `RUN_CANCELLED`.
 */
export class RunCancelledError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['RUN_CANCELLED'] as const;

  constructor(runId: string) {
    super(
      'RUN_CANCELLED',
      `run ${runId} was cancelled (hearth runs cancel); its finished steps are checkpointed: hearth run --resume ${runId} continues it`,
    );
  }
}
