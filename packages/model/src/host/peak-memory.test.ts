import { readFileSync } from 'node:fs';
import type { Engine } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import { describe, expect, it } from 'vitest';
import { checkedEngine } from '../media-check/check-request.js';
import { HostedEngine } from './hosted-engine.js';
import { modelHostPeakMemory } from './peak-memory.js';

/** A process's current resident memory in bytes, read here independently of the code under test. */
const residentBytes = (pid: number) =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

describe('modelHostPeakMemory', () => {
  it("reports the model host child's peak resident memory, and nothing once the host is gone", async () => {
    const engine = await HostedEngine.start({ model: await makeTestkitModel('tiny'), threads: 1 });
    try {
      await engine.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 4 });
      const pid = engine.hostPid as number;
      expect(pid).not.toBe(process.pid);
      const peak = await modelHostPeakMemory(engine);
      // The high-water mark is at least what the host holds now (a node process with llama.cpp loaded).
      expect(peak).toBeGreaterThanOrEqual(residentBytes(pid));
      expect(peak).toBeGreaterThan(10 * 1024 * 1024);
      // createEngine wraps some engines in the request check (the native one): the host is still found.
      expect(await modelHostPeakMemory(checkedEngine(engine))).toBeGreaterThanOrEqual(residentBytes(pid));
    } finally {
      await engine.close();
    }
    expect(await modelHostPeakMemory(engine)).toBeNull();
  });

  it('is null for an engine whose model lives in no process Hearth owns', async () => {
    const remote = { info: { engine: 'openai' } } as unknown as Engine;
    expect(await modelHostPeakMemory(remote)).toBeNull();
  });
});
