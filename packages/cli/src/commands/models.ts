import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  choosePresetQuantization,
  type DownloadPreset,
  type DownloadProgress,
  estimateModelSetMemory,
  estimatePresetMemory,
  findCachedModelFile,
  findModelPreset,
  formatBytes,
  judgeMemoryFit,
  type MemoryFit,
  ModelMemoryError,
  type ModelPreset,
  type ModelSpec,
  modelCacheDir,
  modelPresets,
  presetFiles,
  resolveModelSet,
  validateModelSet,
} from '@hearth/model';
import type { Command } from 'commander';
import { integerOption } from '../number-option.js';
import { ExitCode, printJson } from '../output.js';

interface SpecOptions {
  quant?: string;
  drafter?: string;
  mmproj?: string;
  json?: boolean;
}

function toSpec(model: string, options: SpecOptions): ModelSpec {
  return {
    model,
    ...(options.quant ? { quantization: options.quant } : {}),
    ...(options.drafter ? { drafter: options.drafter } : {}),
    ...(options.mmproj ? { mmproj: options.mmproj } : {}),
  };
}

const parseContextSize = integerOption('a token count', 16, 4_194_304);

const write = (line = '') => process.stdout.write(`${line}\n`);

/** A one-line progress bar on stderr, redrawn at most 10 times a second; only on a TTY. */
function progressBar(): { onProgress: (event: DownloadProgress) => void; done: () => void } {
  let lastDraw = 0;
  let drawn = false;
  let current = '';
  const completed = new Set<string>();
  const draw = (event: DownloadProgress, force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const fraction = event.totalBytes > 0 ? Math.min(1, event.downloadedBytes / event.totalBytes) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const name = event.fileName.split('/').pop() ?? event.fileName;
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
        `${formatBytes(event.downloadedBytes)}/${formatBytes(event.totalBytes)} ` +
        `${formatBytes(event.bytesPerSecond)}/s ${name}\u001b[K`,
    );
    drawn = true;
  };
  return {
    onProgress: (event) => {
      const complete = event.totalBytes > 0 && event.downloadedBytes >= event.totalBytes;
      // The downloader keeps reporting after the end; draw 100% once per file.
      if (complete && completed.has(event.uri)) return;
      if (complete) completed.add(event.uri);
      if (current && current !== event.uri && drawn) process.stderr.write('\n');
      current = event.uri;
      draw(event, complete);
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
    },
  };
}

/**
 * The quantisation a download preset resolves to: the one asked for, the default, or for `auto`
 * the largest that fits this machine (undefined when none does).
 */
function presetQuantization(
  preset: DownloadPreset,
  wanted: string | undefined,
  contextOption: { contextSize?: number },
): string | undefined {
  if (wanted?.toLowerCase() !== 'auto') return presetFiles(preset, wanted).quantization;
  try {
    return choosePresetQuantization(preset, contextOption).quantization;
  } catch (error) {
    if (ModelMemoryError.isInstance(error)) return undefined;
    throw error;
  }
}

interface PresetStatus {
  name: string;
  source: ModelPreset['source'];
  description: string;
  capabilities: ModelPreset['capabilities'];
  contextLength: number;
  quantizations?: { name: string; approximateBytes: number; cached: boolean }[];
  defaultQuantization?: string;
  /** Download presets: whether drafter and mmproj are in the cache. */
  extras?: { role: 'drafter' | 'mmproj'; cached: boolean; approximateBytes: number }[];
}

async function presetStatus(preset: ModelPreset): Promise<PresetStatus> {
  const base = {
    name: preset.name,
    source: preset.source,
    description: preset.description,
    capabilities: preset.capabilities,
    contextLength: preset.contextLength,
  };
  if (preset.source === 'testkit') return base;
  const quantizations = await Promise.all(
    Object.entries(preset.quantizations).map(async ([name, file]) => ({
      name,
      approximateBytes: file.approximateBytes,
      cached: (await findCachedModelFile(file.uri)) !== undefined,
    })),
  );
  const extras: NonNullable<PresetStatus['extras']> = [];
  for (const role of ['drafter', 'mmproj'] as const) {
    const file = preset[role];
    if (file) {
      extras.push({
        role,
        approximateBytes: file.approximateBytes,
        cached: (await findCachedModelFile(file.uri)) !== undefined,
      });
    }
  }
  return { ...base, defaultQuantization: preset.defaultQuantization, quantizations, extras };
}

async function cachedFiles(): Promise<{ file: string; bytes: number; partial: boolean }[]> {
  const dir = modelCacheDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.gguf') && !name.endsWith('.gguf.ipull')) continue;
    files.push({
      file: join(dir, name),
      bytes: (await stat(join(dir, name))).size,
      partial: name.endsWith('.ipull'),
    });
  }
  return files;
}

function capabilityText(capabilities: ModelPreset['capabilities']): string {
  const names = Object.entries(capabilities)
    .filter(([, on]) => on)
    .map(([name]) => name);
  return names.length > 0 ? names.join(',') : 'text';
}

async function listCommand(options: { json?: boolean }): Promise<void> {
  const presets = await Promise.all(modelPresets.map(presetStatus));
  const cache = await cachedFiles();
  if (options.json) {
    printJson({ cacheDir: modelCacheDir(), presets, cache });
    return;
  }
  const width = Math.max(...presets.map((preset) => preset.name.length));
  for (const preset of presets) {
    let status = 'generated on demand';
    if (preset.quantizations) {
      const quants = preset.quantizations
        .map(
          (quant) =>
            `${quant.name}${quant.name === preset.defaultQuantization ? '*' : ''}${quant.cached ? ' (cached)' : ''}`,
        )
        .join(' ');
      const extras = (preset.extras ?? [])
        .map((extra) => `${extra.role}${extra.cached ? ' (cached)' : ''}`)
        .join(' ');
      status = [quants, extras].filter(Boolean).join(' + ');
    }
    write(`${preset.name.padEnd(width)}  ${capabilityText(preset.capabilities).padEnd(21)}  ${status}`);
    write(`${''.padEnd(width)}  ${preset.description}`);
  }
  write();
  write(`cache: ${modelCacheDir()}${cache.length === 0 ? ' (empty)' : ''}`);
  for (const entry of cache) {
    write(
      `  ${formatBytes(entry.bytes).padStart(10)}  ${entry.file}${entry.partial ? '  (partial: `models pull` resumes it)' : ''}`,
    );
  }
  write('* default quantisation; pull one with `hearth models pull <name>[:QUANT]`');
}

async function pullCommand(model: string, options: SpecOptions & { offline?: boolean }): Promise<void> {
  const bar = !options.json && process.stderr.isTTY ? progressBar() : undefined;
  let set: Awaited<ReturnType<typeof resolveModelSet>>;
  try {
    set = await resolveModelSet(toSpec(model, options), {
      ...(bar ? { onProgress: bar.onProgress } : {}),
      ...(options.offline ? { offline: true } : {}),
    });
  } finally {
    bar?.done();
  }
  const info = await validateModelSet(set);
  if (options.json) {
    printJson({ set, info });
    return;
  }
  for (const role of ['target', 'drafter', 'mmproj'] as const) {
    const file = info[role];
    if (file) write(`${role.padEnd(7)}  ${formatBytes(file.fileSize).padStart(10)}  ${file.filePath}`);
  }
  write(`${set.name}: valid (${capabilityText(info.capabilities)})`);
}

async function infoCommand(model: string, options: SpecOptions): Promise<void> {
  const preset = findModelPreset(model.split(':')[0] ?? model);
  let set: Awaited<ReturnType<typeof resolveModelSet>> | undefined;
  try {
    set = await resolveModelSet(toSpec(model, options), { offline: true });
  } catch (error) {
    // A download preset that is not cached yet: describe it from the catalog.
    if (preset?.source !== 'download') throw error;
  }
  if (!set && preset?.source === 'download') {
    const wanted = options.quant ?? model.split(':')[1];
    // `auto` with nothing that fits throws the ModelMemoryError that explains it.
    const files = presetFiles(
      preset,
      wanted?.toLowerCase() === 'auto' ? choosePresetQuantization(preset).quantization : wanted,
    );
    const description = { preset: { ...preset, selected: files }, downloaded: false };
    if (options.json) {
      printJson(description);
      return;
    }
    write(`${preset.name}: ${preset.description}`);
    write(
      `  parameters ${preset.parameters}, context ${preset.contextLength}, capabilities ${capabilityText(preset.capabilities)}`,
    );
    write(
      `  quantisation ${files.quantization}: ~${formatBytes(files.target.approximateBytes)}  ${files.target.uri}`,
    );
    if (files.drafter)
      write(`  drafter: ~${formatBytes(files.drafter.approximateBytes)}  ${files.drafter.uri}`);
    if (files.mmproj) write(`  mmproj: ~${formatBytes(files.mmproj.approximateBytes)}  ${files.mmproj.uri}`);
    write(`  not downloaded: \`hearth models pull ${model}\``);
    return;
  }
  const info = await validateModelSet(set as NonNullable<typeof set>);
  if (options.json) {
    printJson({ set, info, downloaded: true });
    return;
  }
  write(`${info.name}: ${capabilityText(info.capabilities)}`);
  for (const role of ['target', 'drafter', 'mmproj'] as const) {
    const file = info[role];
    if (!file) continue;
    write(`${role}: ${file.filePath}`);
    write(
      `  architecture ${file.architecture}${file.modelName ? ` (${file.modelName})` : ''}, ` +
        `${file.parameterCount.toLocaleString('en-US')} parameters, ${file.quantization}, ${file.tensorCount} tensors, ` +
        `${formatBytes(file.fileSize)}`,
    );
    const shape = [
      file.contextLength !== undefined ? `context ${file.contextLength}` : '',
      file.hiddenSize !== undefined ? `hidden ${file.hiddenSize}` : '',
      file.blockCount !== undefined ? `layers ${file.blockCount}` : '',
      file.vocabularySize !== undefined ? `vocabulary ${file.vocabularySize}` : '',
      role === 'mmproj'
        ? `encoders ${[file.vision ? 'vision' : '', file.audio ? 'audio' : ''].filter(Boolean).join('+')}`
        : '',
    ].filter(Boolean);
    write(`  ${shape.join(', ')}`);
  }
}

function printFit(label: string, fit: MemoryFit): void {
  const weights = fit.weights.target + fit.weights.drafter + fit.weights.mmproj;
  write(
    `${label}: ${fit.verdict.toUpperCase()}  needs ~${formatBytes(fit.totalBytes)} at context ${fit.contextSize} ` +
      `(${fit.source === 'catalog' ? 'catalog estimate' : 'from the GGUF headers'})`,
  );
  write(
    `  weights ${formatBytes(weights)} (target ${formatBytes(fit.weights.target)}` +
      `${fit.weights.drafter ? `, drafter ${formatBytes(fit.weights.drafter)}` : ''}` +
      `${fit.weights.mmproj ? `, mmproj ${formatBytes(fit.weights.mmproj)}` : ''}), ` +
      `KV cache ${formatBytes(fit.kvCacheBytes)}, compute ${formatBytes(fit.computeBytes)}, runtime ${formatBytes(fit.runtimeBytes)}`,
  );
}

async function fitCommand(model: string, options: SpecOptions & { context?: number }): Promise<void> {
  const contextOption = options.context !== undefined ? { contextSize: options.context } : {};
  const [presetName, quantInSpec] = model.split(':');
  const preset = findModelPreset(presetName ?? model);
  let fits: { label: string; selected: boolean; fit: MemoryFit }[];
  let set: Awaited<ReturnType<typeof resolveModelSet>> | undefined;
  try {
    set = await resolveModelSet(toSpec(model, options), { offline: true });
  } catch (error) {
    if (preset?.source !== 'download') throw error;
  }
  if (set) {
    fits = [
      {
        label: set.name,
        selected: true,
        fit: judgeMemoryFit(await estimateModelSetMemory(set, contextOption)),
      },
    ];
  } else {
    // Not downloaded: compare every quantisation from the catalog, the chosen (or default) one marked.
    const download = preset as DownloadPreset;
    const chosen = presetQuantization(download, options.quant ?? quantInSpec, contextOption);
    fits = Object.keys(download.quantizations).map((quantization) => ({
      label: `${download.name}:${quantization}`,
      selected: quantization === chosen,
      fit: judgeMemoryFit(estimatePresetMemory(download, { ...contextOption, quantization })),
    }));
  }
  // Nothing selected means `auto` found no quantisation that fits.
  const selected = fits.find((entry) => entry.selected);
  if (!selected || selected.fit.verdict === 'too-big') process.exitCode = ExitCode.model;
  if (options.json) {
    printJson({ fits: fits.map(({ label, selected, fit }) => ({ label, selected, ...fit })) });
    return;
  }
  const machine = fits[0]?.fit;
  if (machine) {
    write(
      `this machine: ${formatBytes(machine.totalMemoryBytes)} total, ${formatBytes(machine.availableMemoryBytes)} available`,
    );
  }
  for (const entry of fits)
    printFit(`${entry.selected && fits.length > 1 ? '* ' : ''}${entry.label}`, entry.fit);
  if (!selected) write('no quantisation fits this machine at this context (exit 3)');
}

/** `hearth models list | pull | info | fit`: the model catalog, the download cache and memory estimates. */
export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('model presets, downloads (cache in $HEARTH_HOME/models) and memory-fit estimates');

  const specHelp =
    'a preset (`hearth models list`; `name:QUANT` picks a quantisation), an hf:<user>/<repo>/<file>.gguf URI, an http(s) URL, or a .gguf path';

  models
    .command('list')
    .description('list presets and what is in the model cache')
    .option('--json', 'print presets and cache as JSON')
    .action(listCommand);

  const withSpecOptions = (command: Command) =>
    command
      .option(
        '--quant <name>',
        "quantisation of a preset's target (Q4_0, Q8_0, ...), or auto: the largest that fits this machine",
      )
      .option('--drafter <spec>', 'MTP drafter (hf: URI, URL or path) instead of the preset one')
      .option('--mmproj <spec>', 'multimodal projector (hf: URI, URL or path) instead of the preset one');

  withSpecOptions(
    models
      .command('pull')
      .description(
        'download a model set into the cache (resuming partial downloads) and validate it; exits 3 when offline or a file is bad',
      )
      .argument('<model>', specHelp),
  )
    .option('--offline', 'only check the cache (also HEARTH_OFFLINE=1)')
    .option('--json', 'print the set and its validation as JSON (no progress bar)')
    .action(pullCommand);

  withSpecOptions(
    models
      .command('info')
      .description(
        'describe a model set from its GGUF headers (or from the catalog when not downloaded); never downloads',
      )
      .argument('<model>', specHelp),
  )
    .option('--json', 'print as JSON')
    .action(infoCommand);

  withSpecOptions(
    models
      .command('fit')
      .description(
        'estimate memory (weights + KV cache + compute) at a context size and say whether it fits this machine; ' +
          'exits 3 when it does not',
      )
      .argument('<model>', specHelp),
  )
    .option(
      '-c, --context <tokens>',
      'context size in tokens (default: training context, at most 32768)',
      parseContextSize,
    )
    .option('--json', 'print estimates as JSON')
    .action(fitCommand);
}
