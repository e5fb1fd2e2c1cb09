import { saysFact } from '../says-fact.js';
import type { Answer, AnswerCall, Verdict } from '../suite.js';
import { type Row, type ShopState, shopTables } from './shop-state.js';
import type { ShopChange, ShopTask } from './shop-task.js';
import { shopWriteTools } from './shop-tools.js';

/** Text compared as a person reads it: case, surrounding and repeated spaces ignored. */
const normalText = (value: string) => value.trim().replace(/\s+/g, ' ').toLowerCase();
const comparable = (value: Row[string]) => (typeof value === 'string' ? normalText(value) : value);
const show = (value: Row[string] | undefined) =>
  value === undefined ? '(no such column)' : JSON.stringify(value);
const showRow = (row: Row) =>
  `{${Object.entries(row)
    .map(([column, value]) => `${column}: ${show(value)}`)
    .join(', ')}}`;

const keyedBy = (table: string) => {
  const entry = shopTables.find((candidate) => candidate.table === table);
  if (!entry)
    throw new Error(`"${table}" is not a shop table (${shopTables.map((t) => t.table).join(', ')})`);
  return 'key' in entry ? entry.key : null;
};
const keyOf = (row: Row, key: readonly string[]) => key.map((column) => String(row[column])).join('/');
const withoutId = ({ id: _id, ...rest }: Row): Row => rest;
const rowText = (row: Row) =>
  JSON.stringify(Object.entries(row).map(([column, value]) => [column, comparable(value)]));

/**
 * The end state a task expects: the seed rows with its changes applied. Throws (naming the change) when a
 * change names a table or row that does not exist: the task's data is wrong, not the model.
 */
export function expectedShopState(initial: ShopState, changes: readonly ShopChange[]): ShopState {
  const state: ShopState = Object.fromEntries(
    Object.entries(initial).map(([table, rows]) => [table, rows.map((row) => ({ ...row }))]),
  );
  for (const change of changes) {
    const key = keyedBy(change.table);
    const rows = state[change.table] ?? [];
    if ('insert' in change) {
      if (key)
        throw new Error(
          `${change.table} is keyed by ${key.join(', ')}: expect a "set" on a row, not an insert`,
        );
      rows.push({ ...change.insert });
      continue;
    }
    if (!key) throw new Error(`${change.table} is append-only: expect an "insert", not a "set"`);
    const row = rows.find((candidate) =>
      Object.entries(change.key).every(([column, value]) => candidate[column] === value),
    );
    if (!row) throw new Error(`${change.table} has no row ${showRow(change.key)} to change`);
    for (const column of Object.keys(change.set))
      if (!(column in row)) throw new Error(`${change.table} has no column "${column}"`);
    Object.assign(row, change.set);
  }
  return state;
}

/**
 * Every difference between the expected and the actual end state, one line each, table by table: a
 * keyed row missing, unexpected or with a column changed; an append-only row missing or unexpected.
 * Strings compare without case or surrounding spaces (an address typed "12 harbour road" is the same).
 */
export function diffShopStates(expected: ShopState, actual: ShopState): string[] {
  const differences: string[] = [];
  for (const entry of shopTables) {
    const want = expected[entry.table] ?? [];
    const got = actual[entry.table] ?? [];
    if ('appendOnly' in entry) {
      const unmatched = got.map(withoutId);
      for (const row of want.map(withoutId)) {
        const index = unmatched.findIndex((candidate) => rowText(candidate) === rowText(row));
        if (index === -1) differences.push(`${entry.table}: missing ${showRow(row)}`);
        else unmatched.splice(index, 1);
      }
      for (const row of unmatched) differences.push(`${entry.table}: unexpected ${showRow(row)}`);
      continue;
    }
    const actualByKey = new Map(got.map((row) => [keyOf(row, entry.key), row]));
    for (const row of want) {
      const key = keyOf(row, entry.key);
      const other = actualByKey.get(key);
      actualByKey.delete(key);
      if (!other) {
        differences.push(`${entry.table} ${key}: missing`);
        continue;
      }
      for (const [column, value] of Object.entries(row))
        if (comparable(value) !== comparable(other[column] ?? null))
          differences.push(
            `${entry.table} ${key}: ${column} is ${show(other[column])}, expected ${show(value)}`,
          );
    }
    for (const key of actualByKey.keys()) differences.push(`${entry.table} ${key}: unexpected row`);
  }
  return differences;
}

/** The first write made before `find_customer_by_email` found the task's customer, if any (policy 2). */
function unverifiedWrite(task: ShopTask, calls: readonly AnswerCall[]): AnswerCall | undefined {
  const email = task.expect.identityCheck;
  if (email === undefined) return undefined;
  const verified = calls.findIndex(
    (call) =>
      call.name === 'find_customer_by_email' &&
      typeof call.args.email === 'string' &&
      normalText(call.args.email) === normalText(email),
  );
  const firstWrite = calls.findIndex((call) => (shopWriteTools as readonly string[]).includes(call.name));
  return firstWrite !== -1 && (verified === -1 || verified > firstWrite) ? calls[firstWrite] : undefined;
}

/**
 * A stateful case's verdict: the end state must equal the seed database with exactly the task's changes
 * (`state_mismatch` otherwise, naming each difference), the customer must have been verified before the
 * first write when the task says whose order it is (`policy_violation`), then the agent's replies must
 * state the task's facts (`reply_missing_fact`). No model judges anything.
 */
export function checkShopOutcome(
  task: ShopTask,
  initial: ShopState,
  outcome: { answer: Answer; endState: ShopState },
): Verdict {
  const differences = diffShopStates(expectedShopState(initial, task.expect.changes), outcome.endState);
  if (differences.length > 0)
    return {
      correct: false,
      reason: `the end state differs from the expected one: ${differences.slice(0, 6).join('; ')}${differences.length > 6 ? `; and ${differences.length - 6} more` : ''}`,
      errorType: 'state_mismatch',
    };
  const unverified = unverifiedWrite(task, outcome.answer.calls);
  if (unverified)
    return {
      correct: false,
      reason: `the end state is right, but ${unverified.name} ran before the customer was verified (policy 2: find_customer_by_email(${JSON.stringify(task.expect.identityCheck)}) must come first)`,
      errorType: 'policy_violation',
    };
  const missing = task.expect.replyIncludes.filter((fact) => !saysFact(outcome.answer.text, fact));
  if (missing.length > 0)
    return {
      correct: false,
      reason: `the end state is right, but the replies to the user do not say ${missing.map((fact) => JSON.stringify(fact)).join(', ')}`,
      errorType: 'reply_missing_fact',
    };
  return {
    correct: true,
    reason:
      task.expect.changes.length === 0
        ? 'nothing changed, as expected, and the replies state the facts asked for'
        : `the end state has exactly the ${task.expect.changes.length} expected change(s)${task.expect.replyIncludes.length > 0 ? ' and the replies state the facts asked for' : ''}`,
  };
}
