import type { RunEvent } from '@hearth/engine';
import type { ReceivedSpan } from '@hearth/tracing';
import type {
  DevProject,
  DevTarget,
  EvalReportView,
  QueueList,
  RunMessage,
  RunsList,
  RunView,
} from '../server/api-types.js';
import { blobUrl, getJson, postJson, sessionToken, streamRun } from './api.js';
import { h, runForm } from './form.js';
import { drawGraph, markNode } from './graph.js';

const main = document.getElementById('main') as HTMLElement;
let project: DevProject | undefined;
/** Stops the live stream of the run on screen when the page shows something else. */
let stopStream: (() => void) | undefined;

const json = (value: unknown) => JSON.stringify(value, null, 2);

function show(title: string, ...content: Node[]) {
  stopStream?.();
  stopStream = undefined;
  document.title = `${title} · Hearth dev`;
  main.replaceChildren(h('h2', {}, title), ...content);
  main.focus();
}

function failure(error: Error) {
  main.append(h('p', { class: 'error', role: 'alert' }, error.message));
}

function targetView(target: DevTarget) {
  const graph = h('figure', { class: 'graph' }, drawGraph(target.graph, target.name));
  graph.append(
    h(
      'figcaption',
      { class: 'legend' },
      'Solid arrows always run; dashed arrows are decided at run time. Boxes inside boxes are nested agents and workflows.',
    ),
  );
  show(
    `${target.kind} ${target.name}`,
    h('p', {}, target.description),
    h('p', {}, `From ${target.source}`),
    h('section', { 'aria-labelledby': 'graph-title' }, h('h3', { id: 'graph-title' }, 'Graph'), graph),
    h(
      'section',
      { 'aria-labelledby': 'run-title' },
      h('h3', { id: 'run-title' }, 'Start a run'),
      runForm(target, project?.models ?? [], async (request) => {
        const run = await postJson<RunView>('/api/runs', request);
        location.hash = `#/run/${run.runId}`;
      }),
    ),
  );
}

/** Token counts, speed and MTP per model turn, from the run's `chat` spans. */
function turnStats(spans: ReceivedSpan[]): HTMLElement {
  const chats = spans
    .filter((span) => span.attributes['gen_ai.operation.name'] === 'chat')
    .sort((a, b) => a.startMs - b.startMs);
  if (chats.length === 0) return h('p', {}, 'No model turns yet.');
  const cell = (value: unknown) =>
    h(
      'td',
      {},
      value === undefined
        ? '–'
        : typeof value === 'number'
          ? String(Math.round(value * 100) / 100)
          : String(value),
    );
  const header = [
    'turn',
    'model',
    'input tokens',
    'output tokens',
    'decode tok/s',
    'finish',
    'MTP drafted/accepted',
    'ms',
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, 'Model turns'),
      h('thead', {}, h('tr', {}, ...header.map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...chats.map((span, index) => {
          const a = span.attributes;
          const mtp =
            a['hearth.mtp.drafted'] !== undefined
              ? `${a['hearth.mtp.drafted']}/${a['hearth.mtp.accepted']}`
              : a['hearth.mtp.used'] === false
                ? 'off'
                : undefined;
          return h(
            'tr',
            {},
            cell(index + 1),
            cell(a['gen_ai.response.model'] ?? a['gen_ai.request.model']),
            cell(a['gen_ai.usage.input_tokens']),
            cell(a['gen_ai.usage.output_tokens']),
            cell(a['hearth.decode_tokens_per_second']),
            cell((a['gen_ai.response.finish_reasons'] as string[] | undefined)?.join(', ')),
            cell(mtp),
            cell(span.endMs - span.startMs),
          );
        }),
      ),
    ),
  );
}

/** The run's spans as a timeline: one bar per span, indented by nesting. */
function timeline(spans: ReceivedSpan[]): HTMLElement {
  if (spans.length === 0) return h('p', {}, 'No spans received yet.');
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.endMs));
  const total = Math.max(end - start, 1);
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const depth = (span: ReceivedSpan): number => {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    return parent ? depth(parent) + 1 : 0;
  };
  const list = h('ol', { class: 'timeline', 'aria-label': 'Spans, in start order' });
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    const ms = Math.round(span.endMs - span.startMs);
    const bar = h('span', { class: `bar${span.status.code === 'error' ? ' error' : ''}` });
    bar.style.left = `${((span.startMs - start) / total) * 100}%`;
    bar.style.width = `${((span.endMs - span.startMs) / total) * 100}%`;
    const labelText = `${'· '.repeat(depth(span))}${span.name} (${ms} ms${span.status.code === 'error' ? ', failed' : ''})`;
    list.append(
      h(
        'li',
        {},
        h('span', { class: 'label' }, labelText),
        h('span', { class: 'track', 'aria-hidden': 'true' }, bar),
      ),
    );
  }
  return list;
}

function runView(runId: string) {
  const status = h('p', { role: 'status' });
  const actions = h('div', { class: 'actions' });
  const approvals = h('section', { 'aria-labelledby': 'approvals-title', hidden: '' });
  const graphBox = h('figure', { class: 'graph' });
  const attachments = h('ul', { class: 'previews' });
  const texts = h('div', { 'aria-live': 'off' });
  const tools = h('ol', {});
  const result = h('section', { 'aria-labelledby': 'result-title', hidden: '' });
  const stats = h('div', {});
  const spansBox = h('div', {});
  show(
    `Run ${runId}`,
    status,
    actions,
    approvals,
    h('section', { 'aria-labelledby': 'live-graph' }, h('h3', { id: 'live-graph' }, 'Graph'), graphBox),
    h(
      'section',
      { 'aria-labelledby': 'att-title' },
      h('h3', { id: 'att-title' }, 'Attachments'),
      attachments,
    ),
    h('section', { 'aria-labelledby': 'model-title' }, h('h3', { id: 'model-title' }, 'Model output'), texts),
    h('section', { 'aria-labelledby': 'tools-title' }, h('h3', { id: 'tools-title' }, 'Tool calls'), tools),
    result,
    h(
      'section',
      { 'aria-labelledby': 'stats-title' },
      h('h3', { id: 'stats-title' }, 'Token and MTP statistics'),
      stats,
    ),
    h(
      'section',
      { 'aria-labelledby': 'trace-title' },
      h('h3', { id: 'trace-title' }, 'Trace timeline'),
      spansBox,
    ),
  );
  let svgRoot: SVGSVGElement | undefined;
  const spans: ReceivedSpan[] = [];
  const textBySource = new Map<string, HTMLPreElement>();
  const toolItems = new Map<string, HTMLLIElement>();
  let attachmentsShown = false;
  const openNodes = new Map<string, string[]>();

  const onEvent = (event: RunEvent) => {
    if (event.type === 'node-start') {
      const path = [...event.path, event.node];
      openNodes.set(path.join('/'), path);
      if (svgRoot) markNode(svgRoot, path, 'running');
    }
    if (event.type === 'node-end') {
      const path = [...event.path, event.node];
      openNodes.delete(path.join('/'));
      if (svgRoot) markNode(svgRoot, path, event.error ? 'failed' : 'done');
    }
    if (event.type === 'token') {
      let pre = textBySource.get(event.source);
      if (!pre) {
        pre = h('pre', { 'aria-label': `${event.source} output` });
        textBySource.set(event.source, pre);
        texts.append(h('h4', {}, event.source), pre);
      }
      pre.textContent += event.text;
    }
    if (event.type === 'tool-call') {
      const item = h(
        'li',
        { 'data-call': event.callId },
        h('p', {}, h('strong', {}, event.tool), ` (${event.source})`),
        h('pre', { 'aria-label': 'arguments' }, json(event.args)),
      );
      toolItems.set(event.callId, item);
      tools.append(item);
    }
    if (event.type === 'tool-result') {
      const item = toolItems.get(event.callId);
      item?.append(
        h('p', {}, event.isError ? 'Error:' : 'Result:', event.media ? ` (+${event.media} image/audio)` : ''),
        h('pre', { 'aria-label': 'result', class: event.isError ? 'error' : '' }, event.summary),
        ...(event.mediaParts ?? []).map((part, index) => {
          const source = `data:${part.mimeType};base64,${part.data}`;
          const label = `${event.tool} result ${index + 1}`;
          return part.kind === 'image'
            ? h('img', { src: source, alt: label, class: 'tool-media' })
            : h('audio', { src: source, controls: '', 'aria-label': `play ${label}` });
        }),
      );
    }
    if (event.type === 'plan')
      texts.append(
        h('h4', {}, `Plan (revision ${event.revision})`),
        h('ol', {}, ...event.plan.steps.map((step) => h('li', {}, step.task))),
      );
  };

  const renderRun = (view: RunView) => {
    status.replaceChildren(
      `${view.targetKind} ${view.target} on ${view.model}: `,
      h('span', { class: `status ${view.status}`, 'data-testid': 'run-status' }, view.status),
      view.error ? h('span', { class: 'error' }, ` — ${view.error.message}`) : '',
    );
    if (!svgRoot) {
      const target = project?.targets.find((candidate) => candidate.name === view.target);
      if (target) {
        svgRoot = drawGraph(target.graph, target.name);
        graphBox.replaceChildren(svgRoot);
      }
    }
    const buttons: HTMLButtonElement[] = [];
    if (view.live) {
      const stop = h('button', { type: 'button' }, 'Kill the run');
      stop.addEventListener('click', () => act(`/api/runs/${runId}/stop`));
      buttons.push(stop);
    }
    if (!view.live && (view.status === 'killed' || view.status === 'failed')) {
      const resume = h('button', { type: 'button', class: 'primary' }, 'Resume from the last checkpoint');
      resume.addEventListener('click', () => act(`/api/runs/${runId}/resume`));
      buttons.push(resume);
    }
    actions.replaceChildren(...buttons);
    const paused = !view.live && view.status === 'paused' && view.pendingApprovals.length > 0;
    approvals.hidden = !paused;
    if (paused) {
      const approve = h('button', { type: 'button', class: 'primary' }, 'Approve');
      const deny = h('button', { type: 'button' }, 'Deny');
      approve.addEventListener('click', () => act(`/api/runs/${runId}/approve`));
      deny.addEventListener('click', () => act(`/api/runs/${runId}/deny`));
      approvals.replaceChildren(
        h(
          'div',
          { class: 'approval' },
          h('h3', { id: 'approvals-title' }, 'Waiting for your approval'),
          ...view.pendingApprovals.flatMap((request) =>
            request.calls.map((call) =>
              h(
                'div',
                {},
                h('p', {}, `${request.source} wants to call `, h('strong', {}, call.tool)),
                h('pre', {}, json(call.args)),
              ),
            ),
          ),
          h('div', { class: 'actions' }, approve, deny),
        ),
      );
      // The nodes that started and did not end are the ones waiting.
      if (svgRoot) for (const path of openNodes.values()) markNode(svgRoot, path, 'paused');
    }
    result.hidden = view.output === undefined;
    if (view.output !== undefined)
      result.replaceChildren(
        h('h3', { id: 'result-title' }, 'Result'),
        h('pre', { 'data-testid': 'run-output' }, json(view.output)),
        ...view.artifacts.flatMap((artifact) => [
          h('h4', {}, artifact.path),
          h('pre', { 'data-testid': 'artifact' }, artifact.text),
        ]),
      );
    if (!attachmentsShown && view.attachments.length > 0) {
      attachmentsShown = true;
      view.attachments.forEach((attachment, index) => {
        const item = h('li', {}, h('p', {}, `${attachment.kind}: ${attachment.name}`));
        attachments.append(item);
        blobUrl(`/api/runs/${runId}/attachments/${index}`).then((url) =>
          item.append(
            attachment.kind === 'image'
              ? h('img', { src: url, alt: attachment.name })
              : h('audio', { src: url, controls: '', 'aria-label': `play ${attachment.name}` }),
          ),
        );
      });
    }
  };

  const act = (path: string) => {
    postJson<RunView>(path).then(renderRun, failure);
  };

  const onMessage = (message: RunMessage) => {
    if (message.type === 'snapshot') {
      renderRun(message.run);
      for (const event of message.events) onEvent(event);
      spans.push(...message.spans);
    } else if (message.type === 'event') onEvent(message.event);
    else if (message.type === 'run') renderRun(message.run);
    else spans.push(...message.spans);
    if (message.type !== 'event') {
      stats.replaceChildren(turnStats(spans));
      spansBox.replaceChildren(timeline(spans));
    }
  };
  stopStream = streamRun(runId, onMessage, (error) => {
    if (error) failure(error);
  });
}

async function runsView() {
  const [{ runs, otherThreads }, queue] = await Promise.all([
    getJson<RunsList>('/api/runs'),
    getJson<QueueList>('/api/queue'),
  ]);
  const queued = queue.configured
    ? [
        h('h3', {}, 'Runs on the queue'),
        queue.runs.length === 0
          ? h('p', {}, 'None.')
          : h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { 'data-testid': 'queue' },
                h('caption', {}, 'Runs on the shared queue (hearth run --queue), newest first'),
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ...['run', 'target', 'status', 'worker', 'updated'].map((name) =>
                      h('th', { scope: 'col' }, name),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  ...queue.runs.map((run) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, run.runId),
                      h('td', {}, run.target),
                      h('td', {}, h('span', { class: `status ${run.status}` }, run.status)),
                      h('td', {}, run.worker ?? '–'),
                      h('td', {}, new Date(run.updatedAt).toLocaleString()),
                    ),
                  ),
                ),
              ),
            ),
      ]
    : [];
  const rows = runs.map((run) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/run/${run.runId}` }, new Date(run.startedAt).toLocaleString())),
      h('td', {}, `${run.targetKind} ${run.target}`),
      h('td', {}, h('span', { class: `status ${run.status}` }, run.status)),
      h('td', {}, run.model),
      h('td', {}, String(run.checkpoints)),
    ),
  );
  show(
    'Runs history',
    runs.length === 0
      ? h('p', {}, 'No runs started from this page yet.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { 'data-testid': 'runs' },
            h('caption', {}, 'Runs started from this page, newest first'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['started', 'target', 'status', 'model', 'checkpoints'].map((name) =>
                  h('th', { scope: 'col' }, name),
                ),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
        ),
    h('h3', {}, 'Other runs in the checkpoint store'),
    otherThreads.length === 0
      ? h('p', {}, 'None.')
      : h(
          'ul',
          {},
          ...otherThreads.map((thread) =>
            h(
              'li',
              {},
              `${thread.threadId} (${thread.checkpoints} checkpoints): continue with hearth run --resume ${thread.threadId}`,
            ),
          ),
        ),
    ...queued,
  );
}

async function evalsView() {
  const reports = await getJson<EvalReportView[]>('/api/evals');
  const rate = (value: number | undefined) =>
    value === undefined ? '–' : `${Math.round(value * 1000) / 10}%`;
  show(
    'Eval reports',
    reports.length === 0
      ? h('p', {}, 'No reports yet: hearth eval writes them under $HEARTH_HOME/evals.')
      : h(
          'ul',
          { 'data-testid': 'evals' },
          ...reports.map((report) =>
            h(
              'li',
              {},
              h('a', { href: report.href, target: '_blank', rel: 'noopener' }, report.name),
              ` (${new Date(report.createdAt).toLocaleString()}): `,
              report.models.map((model) => `${model.name} ${rate(model.successRate)}`).join(' vs '),
            ),
          ),
        ),
  );
}

function toolsView() {
  show(
    'Tools',
    h(
      'dl',
      {},
      ...(project?.tools ?? []).flatMap((tool) => [
        h('dt', {}, h('strong', {}, tool.name), tool.needsApproval ? ' (asks for approval)' : ''),
        h('dd', {}, `${tool.description} — ${tool.effects}`),
      ]),
    ),
  );
}

async function route() {
  const [, view, name] = location.hash.split('/');
  if (view === 'target' && name) {
    const target = project?.targets.find((candidate) => candidate.name === decodeURIComponent(name));
    if (target) return targetView(target);
  }
  if (view === 'run' && name) return runView(decodeURIComponent(name));
  if (view === 'runs') return runsView();
  if (view === 'tools') return toolsView();
  if (view === 'evals') return evalsView();
  show(
    'Project',
    h('p', {}, 'Pick an agent or workflow to see its graph and start a run, or open the runs history.'),
  );
}

async function start() {
  if (!sessionToken()) {
    main.replaceChildren(
      h('h2', {}, 'No session'),
      h('p', {}, 'Open the address that hearth dev printed (it ends with #token=...).'),
    );
    return;
  }
  project = await getJson<DevProject>('/api/project');
  (document.getElementById('project-root') as HTMLElement).textContent = project.root;
  (document.getElementById('targets') as HTMLElement).replaceChildren(
    ...project.targets.map((target) =>
      h(
        'li',
        {},
        h('a', { href: `#/target/${encodeURIComponent(target.name)}` }, `${target.name}`),
        ` (${target.kind})`,
      ),
    ),
  );
  window.addEventListener('hashchange', () => route().catch(failure));
  await route();
}

start().catch(failure);
