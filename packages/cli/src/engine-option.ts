import { Option } from 'commander';

/** `--engine` for the commands that load a model in this process: the two local llama.cpp engines. */
export function localEngineOption(): Option {
  return new Option(
    '--engine <engine>',
    'engine (default: native when built for this machine, else llama-node)',
  ).choices(['native', 'llama-node']);
}
