import { HearthError } from '@hearth/engine';

/**
 * Thrown when the SQLite checkpoint store is damaged: SQLite's quick check finds corrupt pages, the
 * file is not a database, or it is empty (0 bytes) though Hearth never leaves its store empty. Hearth
 * then writes nothing to it, so the runs it still holds stay recoverable; the message names the file,
 * what is wrong and the way out (`hearth runs doctor --repair`, or another `--checkpoints` file).
 * Code `CHECKPOINT_DAMAGED`.
 */
export class CheckpointDamagedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['CHECKPOINT_DAMAGED'] as const;
  /** The damaged file. */
  readonly path: string;
  /** What is wrong with it, e.g. SQLite's first quick-check finding. */
  readonly problem: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(
      'CHECKPOINT_DAMAGED',
      `The checkpoint store ${path} is damaged: ${problem}. Hearth will not write to it, so the runs it still holds stay recoverable. ` +
        `See what it holds with \`hearth runs doctor --checkpoints ${path}\`; \`hearth runs doctor --checkpoints ${path} --repair\` ` +
        'copies every readable run to a fresh file and keeps the damaged one beside it as .damaged-<time>. ' +
        'To run now without repairing, pass --checkpoints <another file>.',
      options,
    );
    this.path = path;
    this.problem = problem;
  }
}
