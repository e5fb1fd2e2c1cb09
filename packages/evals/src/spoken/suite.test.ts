import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, speak } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite.js';
import { spokenSuite } from './suite.js';

let dir: string;
let context: SuiteContext;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-evals-spoken-'));
  context = { mediaDir: dir, speak: (text, into) => speak(text, { dir: into }) };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('spoken suite', () => {
  it('speaks each case with espeak-ng and pairs it with a transcript form of the same words', async () => {
    const { cases } = await spokenSuite.load(undefined, context);
    expect(cases).toHaveLength(20);
    expect([...new Set(cases.map((testCase) => testCase.category))]).toEqual([
      'audio/arithmetic',
      'transcript/arithmetic',
      'audio/lookup',
      'transcript/lookup',
      'audio/tool-call',
      'transcript/tool-call',
    ]);
    const heard = cases.find((testCase) => testCase.id === 'add.audio');
    const read = cases.find((testCase) => testCase.id === 'add.transcript');
    if (!heard?.audio || !read) throw new Error('the add case is missing');
    expect(heard.audio.startsWith(join(dir, 'spoken'))).toBe(true);
    const wav = decodeWav(await readFile(heard.audio));
    expect({ sampleRate: wav.sampleRate, channels: wav.channels }).toEqual({
      sampleRate: 16000,
      channels: 1,
    });
    expect(wav.durationSeconds).toBeGreaterThan(1);
    expect(spokenSuite.request(heard).messages[1]).toEqual({
      role: 'user',
      content: [{ type: 'audio', audio: heard.audio, mimeType: 'audio/wav' }],
    });
    expect(spokenSuite.request(read).messages[1]).toEqual({
      role: 'user',
      content: 'What is seventeen plus twenty-five?',
    });
    // Only the audio form needs a model that hears.
    expect(spokenSuite.needs?.(heard)).toEqual(['audio']);
    expect(spokenSuite.needs?.(read)).toEqual([]);
    // A command offers the tools; a lookup puts the directory in the system prompt.
    const timer = cases.find((testCase) => testCase.id === 'timer.transcript');
    expect(timer && spokenSuite.request(timer).tools?.map((tool) => tool.name)).toEqual([
      'set_timer',
      'get_weather',
      'send_message',
    ]);
    const office = cases.find((testCase) => testCase.id === 'office.audio');
    expect(office && spokenSuite.request(office).messages[0]?.content).toContain('Hana Sato: extension 3350');
  });

  it('accepts the oracle on every case and refuses each mutant fault with its error', async () => {
    const { cases } = await spokenSuite.load(undefined, context);
    for (const testCase of cases) {
      expect(spokenSuite.check(testCase, spokenSuite.oracleAnswer(testCase)), testCase.id).toMatchObject({
        correct: true,
      });
      for (let index = 0; index < 6; index++) {
        const mutated = spokenSuite.mutantAnswer(testCase, index);
        expect(spokenSuite.check(testCase, mutated.answer), `${testCase.id}: ${mutated.fault}`).toMatchObject(
          {
            correct: false,
            errorType: mutated.expectedErrorType,
          },
        );
      }
    }
  });

  it('checks a command with the BFCL checker: right call, wrong value, and an answer given as text', async () => {
    const { cases } = await spokenSuite.load(undefined, context);
    const message = cases.find((testCase) => testCase.id === 'message.audio');
    if (!message) throw new Error('the message case is missing');
    const said = (args: Record<string, unknown>) => ({
      id: message.id,
      calls: [{ name: 'send_message', args }],
      text: '',
    });
    expect(
      spokenSuite.check(message, said({ recipient: 'anna', text: "I'll be 10 minutes late" })),
    ).toMatchObject({
      correct: true,
    });
    expect(spokenSuite.check(message, said({ recipient: 'Anna', text: 'See you soon' }))).toMatchObject({
      correct: false,
      errorType: 'value_error:string',
    });
    expect(
      spokenSuite.check(message, { id: message.id, calls: [], text: 'Message sent to Anna.' }),
    ).toMatchObject({ correct: false, errorType: 'multiple_function_checker:wrong_count' });
  });

  it('says what it needs when no speech synthesiser is given', async () => {
    await expect(spokenSuite.load(undefined, { mediaDir: dir })).rejects.toThrow(/needs context\.speak/);
  });
});
