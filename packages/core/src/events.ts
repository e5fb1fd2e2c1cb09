import type { RunEvent } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';

/** An event before the runner adds the node path (nodes do not know where they are nested). */
export type NodeEvent = RunEvent extends infer E
  ? E extends { path: string[] }
    ? Omit<E, 'path'>
    : never
  : never;

/** Sends an event from inside a node to whoever streams the run (a no-op when nobody listens). */
export function emit(config: LangGraphRunnableConfig | undefined, event: NodeEvent): void {
  config?.writer?.(event);
}
