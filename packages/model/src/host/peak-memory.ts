import { readFile } from 'node:fs/promises';
import type { Engine } from '@hearth/engine';
import { LlamaNodeEngine } from '../engine/llama-node/llama-node-engine.js';
import { uncheckedEngine } from '../media-check/check-request.js';
import { NativeEngine } from '../native/native-engine.js';
import { HostedEngine } from './hosted-engine.js';

/** The kernel's high-water mark of a process's resident memory (`VmHWM` in /proc/<pid>/status), in bytes. */
async function peakResidentBytes(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    // Not Linux, or the host has just exited.
    return null;
  }
}

/**
 * The peak resident memory, in bytes, of the process that holds an engine's model: the model host child of
 * `HostedEngine` and `NativeEngine` (its llama-server), or this process for an in-process `LlamaNodeEngine`.
 * It is the high-water mark since that process started, so it covers loading and every request so far.
 * Null for engines whose model lives elsewhere (an OpenAI-compatible server) or where the kernel does not
 * say (no /proc).
 */
export async function modelHostPeakMemory(checked: Engine): Promise<number | null> {
  // createEngine wraps the native engine in the request check; the host process is the wrapped engine's.
  const engine = uncheckedEngine(checked);
  if (engine instanceof HostedEngine) return peakResidentBytes(engine.hostPid);
  if (engine instanceof NativeEngine) return peakResidentBytes(await engine.hostPid());
  if (engine instanceof LlamaNodeEngine) return process.resourceUsage().maxRSS * 1024;
  return null;
}
