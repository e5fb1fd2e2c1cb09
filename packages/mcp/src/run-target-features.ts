import { type AnyRunTarget, describeEffects } from '@hearth/core';
import type { PromptArgument } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  jsonResourceContents,
  type McpPrompt,
  type McpResourceSource,
  nameInResourceUri,
} from './server-features.js';

/** What an agent adds to a run target: the definition its prompt comes from. */
interface AgentLike {
  kind: 'agent';
  definition: { instructions: string; defaultPrompt?: string };
}

const isAgent = (target: AnyRunTarget): target is AnyRunTarget & AgentLike =>
  target.kind === 'agent' && typeof (target as Partial<AgentLike>).definition?.instructions === 'string';

interface InputProperty {
  type?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
}

/** The top-level fields of a target's input as JSON Schema (an object schema, or none). */
function inputFields(target: AnyRunTarget): {
  properties: Record<string, InputProperty>;
  required: string[];
} {
  try {
    const schema = z.toJSONSchema(target.input, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, InputProperty>;
      required?: string[];
    };
    return { properties: schema.properties ?? {}, required: schema.required ?? [] };
  } catch {
    return { properties: {}, required: [] };
  }
}

/**
 * Each agent's instructions as an MCP prompt named after the agent: its text input fields
 * (`prompt`) are the prompt's arguments, and getting it gives one user message with the
 * instructions and the request, for the client's own model. Fields that are not text
 * (attachments) are left out: prompt arguments are strings. Completion offers a field's enum
 * values, or the agent's default prompt.
 */
export function agentPrompts(targets: Iterable<AnyRunTarget>): McpPrompt[] {
  return [...targets].filter(isAgent).map((agent): McpPrompt => {
    const { properties, required } = inputFields(agent);
    const textFields = Object.entries(properties).filter(([, schema]) => schema.type === 'string');
    const args: PromptArgument[] = textFields.map(([name, schema]) => ({
      name,
      ...(schema.description ? { description: schema.description } : {}),
      required: required.includes(name) && schema.default === undefined,
    }));
    return {
      name: agent.name,
      title: `${agent.name} (agent)`,
      description: `The instructions of the agent "${agent.name}": ${agent.description}`,
      arguments: args,
      get: (values) => {
        const request = textFields
          .map(([name, schema]) => values[name] ?? (typeof schema.default === 'string' ? schema.default : ''))
          .filter(Boolean)
          .join('\n\n');
        return {
          description: agent.description,
          messages: [
            {
              role: 'user',
              content: { type: 'text', text: `${agent.definition.instructions}\n\n${request}`.trim() },
            },
          ],
        };
      },
      complete: (name, value) => {
        const schema = properties[name];
        const options = [
          ...(schema?.enum ?? []),
          ...(name === 'prompt' && agent.definition.defaultPrompt ? [agent.definition.defaultPrompt] : []),
        ].filter((option): option is string => typeof option === 'string');
        return options.filter((option) => option.toLowerCase().startsWith(value.toLowerCase()));
      },
    };
  });
}

const targetUriPrefix = 'hearth-target://';

/**
 * The served agents and workflows as resources `hearth-target://{name}`: kind, description, what
 * they can do outside themselves, and their input schema (and an agent's instructions), so a client
 * can see what a tool will do before calling it. Completion offers the names.
 */
export function runTargetResources(targets: Iterable<AnyRunTarget>): McpResourceSource {
  const byName = new Map([...targets].map((target) => [target.name, target]));
  const describe = (target: AnyRunTarget) => ({
    name: target.name,
    kind: target.kind,
    description: target.description,
    effects: { ...target.effects, summary: describeEffects(target.effects) },
    input: inputFields(target),
    ...(isAgent(target) ? { instructions: target.definition.instructions } : {}),
  });
  return {
    list: () =>
      [...byName.values()].map((target) => ({
        uri: `${targetUriPrefix}${target.name}`,
        name: target.name,
        description: `${target.kind}: ${target.description}`,
        mimeType: 'application/json',
      })),
    templates: [
      {
        uriTemplate: `${targetUriPrefix}{name}`,
        name: 'agent-or-workflow',
        description: 'A served agent or workflow: what it does, its effects and its input',
        mimeType: 'application/json',
      },
    ],
    async read(uri) {
      const name = nameInResourceUri(uri, targetUriPrefix);
      if (name === undefined) return undefined;
      const target = byName.get(name);
      if (!target)
        throw new Error(
          `no agent or workflow named "${name}" is served. Served: ${[...byName.keys()].sort().join(', ') || 'none'}.`,
        );
      return jsonResourceContents(uri, describe(target));
    },
    complete: (_template, variable, value) =>
      variable === 'name' ? [...byName.keys()].filter((name) => name.startsWith(value)).sort() : [],
  };
}
