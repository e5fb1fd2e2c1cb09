import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalDataError } from '../errors/eval-data-error.js';
import { shippedData } from '../shipped-data.js';
import {
  type AnswerCall,
  actionTurns,
  type MultiStepSuite,
  type MutatedScript,
  type ScriptedTurn,
} from '../suite.js';
import { parseTaskFile } from '../task-file.js';
import { checkShopOutcome, expectedShopState } from './shop-checker.js';
import { initialShopState, openShop, type ShopState, snapshotShop } from './shop-state.js';
import { type ShopTask, type StatefulCase, shopTaskSchema } from './shop-task.js';
import { shopTools, shopWriteTools } from './shop-tools.js';

/** The shop this package ships (from the repository's `evals/stateful/data`). */
export const shippedStatefulData = shippedData('stateful');

/** Model turns per case: the longest ground truth takes 6 (3 actions and a reply, twice), with room to spare. */
const maxSteps = 12;

async function readDataFile(dataDir: string, name: string): Promise<string> {
  const file = join(dataDir, name);
  if (!existsSync(file))
    throw new EvalDataError(
      `${file} is missing: a stateful data folder holds shop.sql (the seed database), policy.md (the agent's policy) and tasks.json`,
    );
  return readFile(file, 'utf8');
}

/** The right agent's turns: for each user turn, its actions and then its reply. */
const turnsOf = (turns: ShopTask['turns']): ScriptedTurn[] =>
  turns.flatMap((turn) => actionTurns(turn.actions, turn.reply));

const isWrite = (call: AnswerCall) => (shopWriteTools as readonly string[]).includes(call.name);

/** A write call with its value off: a refund 100 cents short, a stock change one unit off, another address. */
function withWrongValue(call: AnswerCall): AnswerCall | null {
  const { args } = call;
  if (call.name === 'refund_order')
    return { ...call, args: { ...args, amount_cents: Number(args.amount_cents) - 100 } };
  if (call.name === 'adjust_stock') return { ...call, args: { ...args, delta: Number(args.delta) + 1 } };
  if (call.name === 'update_shipping_address')
    return { ...call, args: { ...args, address: `${String(args.address)}, Flat 2` } };
  return null;
}

/** Position of the last write among the task's actions: [turn index, action index]. */
function lastWrite(task: ShopTask): [number, number] | null {
  for (let turn = task.turns.length - 1; turn >= 0; turn--) {
    const actions = task.turns[turn]?.actions ?? [];
    for (let action = actions.length - 1; action >= 0; action--)
      if (isWrite(actions[action] as AnswerCall)) return [turn, action];
  }
  return null;
}

/** A write no task asks for: a recount nobody did (for cases that must change nothing). */
const unrequestedWrite: AnswerCall = {
  name: 'adjust_stock',
  args: { sku: 'LAMP-01', delta: 1, reason: 'recount' },
};

/**
 * The faults that apply to a task, each as the task's turns changed: a write with a wrong value, the last
 * write left out, the write a refusal case forbids done anyway, a write on a case that must change
 * nothing, a write for a customer who was never verified, and replies that leave out the facts asked
 * for (the mutant's last reply names its fault instead of the right reply).
 */
function faultsFor(
  task: ShopTask,
): Array<{ fault: string; expectedErrorType: string; turns: ShopTask['turns'] }> {
  const faults: Array<{ fault: string; expectedErrorType: string; turns: ShopTask['turns'] }> = [];
  const replaceAction = (turnIndex: number, actionIndex: number, replacement: AnswerCall[]) =>
    task.turns.map((turn, index) =>
      index !== turnIndex
        ? turn
        : {
            ...turn,
            actions: [
              ...turn.actions.slice(0, actionIndex),
              ...replacement,
              ...turn.actions.slice(actionIndex + 1),
            ],
          },
    );
  const appendToLastTurn = (call: AnswerCall) =>
    task.turns.map((turn, index) =>
      index === task.turns.length - 1 ? { ...turn, actions: [...turn.actions, call] } : turn,
    );
  const position = lastWrite(task);
  if (position) {
    const [turnIndex, actionIndex] = position;
    const wrong = withWrongValue(task.turns[turnIndex]?.actions[actionIndex] as AnswerCall);
    if (wrong)
      faults.push({
        fault: 'wrong value',
        expectedErrorType: 'state_mismatch',
        turns: replaceAction(turnIndex, actionIndex, [wrong]),
      });
    faults.push({
      fault: 'missing call',
      expectedErrorType: 'state_mismatch',
      turns: replaceAction(turnIndex, actionIndex, []),
    });
  } else if (task.forbidden) {
    faults.push({
      fault: 'a write the policy forbids',
      expectedErrorType: 'state_mismatch',
      turns: appendToLastTurn(task.forbidden),
    });
  } else {
    faults.push({
      fault: 'a write nobody asked for',
      expectedErrorType: 'state_mismatch',
      turns: appendToLastTurn(unrequestedWrite),
    });
  }
  if (task.expect.identityCheck)
    faults.push({
      fault: 'no identity check',
      expectedErrorType: 'policy_violation',
      turns: task.turns.map((turn) => ({
        ...turn,
        actions: turn.actions.filter((action) => action.name !== 'find_customer_by_email'),
      })),
    });
  if (task.expect.replyIncludes.length > 0)
    faults.push({
      fault: 'replies without the facts asked for',
      expectedErrorType: 'reply_missing_fact',
      turns: task.turns,
    });
  return faults;
}

/**
 * `stateful`: a τ-bench-style shop (customers, products, orders, refunds, stock moves) in SQLite, served
 * to the agent as Hearth tools, with a written policy and scripted user turns. Each case x model x trial
 * gets a fresh database; the case passes when the end state equals the seed with exactly the task's
 * changes (and the replies state the facts a lookup asks for). Run it with `--trials k` for pass^k.
 */
export const statefulSuite: MultiStepSuite<StatefulCase, ShopState> = {
  kind: 'multi-step',
  name: 'stateful',
  description:
    'a shop agent with tools over a SQLite database and a policy; scored by the end state, pass^k over trials',

  async load(dataDir = shippedStatefulData) {
    const [seedSql, policy, tasksText] = await Promise.all(
      ['shop.sql', 'policy.md', 'tasks.json'].map((name) => readDataFile(dataDir, name)),
    );
    let initial: ShopState;
    try {
      initial = initialShopState(seedSql as string);
    } catch (error) {
      throw new EvalDataError(
        `${join(dataDir, 'shop.sql')} does not run in SQLite: ${(error as Error).message}`,
      );
    }
    const tasks = parseTaskFile(tasksText as string, join(dataDir, 'tasks.json'), shopTaskSchema);
    for (const task of tasks)
      try {
        expectedShopState(initial, task.expect.changes);
      } catch (error) {
        throw new EvalDataError(
          `${join(dataDir, 'tasks.json')}: task ${task.id}: ${(error as Error).message}`,
        );
      }
    return {
      suite: 'stateful',
      dataDir,
      cases: tasks.map((task) => ({
        id: task.id,
        category: task.category,
        task,
        seedSql: seedSql as string,
        policy: policy as string,
        initial,
      })),
      unscorable: [],
      skipped: [],
    };
  },

  async episode(testCase, workDir) {
    const db = openShop(join(workDir, 'shop.db'), testCase.seedSql);
    return {
      system: testCase.policy,
      userTurns: testCase.task.turns.map((turn) => turn.user),
      tools: shopTools(db),
      maxSteps,
      endState: async () => snapshotShop(db),
      close: async () => {
        db.close();
      },
    };
  },

  check: (testCase, outcome) => checkShopOutcome(testCase.task, testCase.initial, outcome),

  oracleTurns: (testCase) => turnsOf(testCase.task.turns),

  mutantTurns(testCase, index): MutatedScript {
    const faults = faultsFor(testCase.task);
    const chosen = faults[index % faults.length] as (typeof faults)[number];
    return { turns: turnsOf(chosen.turns), fault: chosen.fault, expectedErrorType: chosen.expectedErrorType };
  },
};
