import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OtlpReceiver, startOtlpReceiver } from '@hearth/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevProject } from './api-types.js';
import { type DevServer, startDevServer } from './dev-server.js';

const project: DevProject = {
  root: mkdtempSync(join(tmpdir(), 'hearth-dev-server-project-')),
  targets: [
    {
      name: 'notes',
      kind: 'workflow',
      description: 'a target no test runs (every request below is refused before a run starts)',
      source: 'notes.ts',
      inputSchema: { type: 'object', properties: {} },
      graph: { nodes: [{ id: '__start__' }, { id: '__end__' }], edges: [] },
    },
  ],
  tools: [],
  models: ['tiny'],
};

let server: DevServer;
let base: string;
/** The tracing backend the user set for `hearth dev`: the runs' spans must reach it too. */
let userBackend: OtlpReceiver;
const evalsDir = mkdtempSync(join(tmpdir(), 'hearth-dev-server-evals-'));

beforeAll(async () => {
  // A report folder as `hearth eval` leaves one (the CLI test opens one it made).
  mkdirSync(join(evalsDir, 'run-1', 'media'), { recursive: true });
  writeFileSync(
    join(evalsDir, 'run-1', 'report.html'),
    '<!doctype html><title>eval</title><img src="media/a.png">',
  );
  writeFileSync(join(evalsDir, 'run-1', 'media', 'a.png'), 'png');
  writeFileSync(
    join(evalsDir, 'run-1', 'summary.json'),
    JSON.stringify({ createdAt: '2026-01-01T00:00:00.000Z', models: { oracle: { successRate: 1 } } }),
  );
  writeFileSync(join(evalsDir, 'secret.txt'), 'not part of any report');
  userBackend = await startOtlpReceiver();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = userBackend.url;
  server = await startDevServer({
    evalsDir,
    project,
    // A command that would fail loudly: no request in this file may reach it.
    hearth: { node: process.execPath, args: ['-e', 'process.exit(99)'] },
    stateDir: mkdtempSync(join(tmpdir(), 'hearth-dev-server-state-')),
    checkpointThreads: () => new Map(),
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await userBackend.close();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
});

/** A raw request, so the Host header can be forged (fetch would not send ours). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const call = request(`${base}${path}`, { method, headers }, (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
        );
      });
      call.on('error', reject);
      call.end(body);
    },
  );
}

const withToken = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

describe('the hearth dev server', () => {
  it('serves the built page without a token, under a policy that loads nothing from elsewhere', async () => {
    const page = await raw('/', {});
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<title>Hearth dev<\/title>/);
    expect(String(page.headers['content-security-policy'])).toMatch(
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
  });

  it('keeps page paths inside the built folder', async () => {
    for (const path of ['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/server/index.js'])
      expect((await raw(path, {})).status).toBe(404);
  });

  it('refuses the API to a rebinding Host, another site, no token, and form bodies', async () => {
    expect((await raw('/api/project', { ...withToken(), host: 'attacker.example' })).status).toBe(403);
    expect((await raw('/api/project', { ...withToken(), origin: 'https://attacker.example' })).status).toBe(
      403,
    );
    expect((await raw('/api/project', {})).status).toBe(401);
    const form = await raw('/api/runs', { ...withToken(), 'content-type': 'text/plain' }, 'POST', '{}');
    expect(form.status).toBe(415);
    const ok = await raw('/api/project', withToken());
    expect(JSON.parse(ok.body)).toMatchObject({ targets: [{ name: 'notes' }] });
  });

  it('says what is wrong with a run request, and starts nothing', async () => {
    const start = (body: unknown) => raw('/api/runs', withToken(), 'POST', JSON.stringify(body));
    const unknown = await start({ target: 'nope', model: 'tiny', input: {}, attachments: [] });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error).toMatch(/no agent or workflow named "nope".*known: notes/);
    for (const model of ['tiny; rm -rf /', '--workdir=/', ''])
      expect(
        JSON.parse((await start({ target: 'notes', model, input: {}, attachments: [] })).body).error,
      ).toMatch(/^model: /);
    const svg = await start({
      target: 'notes',
      model: 'tiny',
      input: {},
      attachments: [{ kind: 'image', name: 'x.svg', mimeType: 'image/svg+xml', data: 'PHN2Zz4=' }],
    });
    expect(svg.status).toBe(400);
    expect(JSON.parse(svg.body).error).toMatch(
      /attachments\[0\] \(x\.svg\): image\/svg\+xml is not a supported image type/,
    );
    const list = await raw('/api/runs', withToken());
    expect(JSON.parse(list.body).runs).toEqual([]);
  });

  it('lists eval reports and opens them sandboxed, by a link only this session can make', async () => {
    const list = JSON.parse((await raw('/api/evals', withToken())).body);
    expect(list).toEqual([
      {
        name: 'run-1',
        createdAt: '2026-01-01T00:00:00.000Z',
        models: [{ name: 'oracle', successRate: 1 }],
        href: expect.stringMatching(/^\/reports\/[0-9a-f]{32}\/run-1\/report\.html$/),
      },
    ]);
    const report = await raw(list[0].href, {});
    expect(report.status).toBe(200);
    expect(String(report.headers['content-security-policy'])).toMatch(/^sandbox; default-src 'none'/);
    expect((await raw(list[0].href.replace('report.html', 'media/a.png'), {})).body).toBe('png');
    const key = list[0].href.split('/')[2];
    expect((await raw(`/reports/${'0'.repeat(32)}/run-1/report.html`, {})).status).toBe(404);
    expect((await raw(`/reports/${key}/run-1/..%2fsecret.txt`, {})).status).toBe(404);
    expect((await raw(`/reports/${key}/run-1/%2e%2e/secret.txt`, {})).status).toBe(404);
  });

  it("takes the runs' spans with the token only, and passes them on to the user's OTLP endpoint", async () => {
    const span = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      name: 'invoke_workflow notes',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000001000000000',
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_workflow' } }],
    };
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
    const path = '/otlp/some-run/v1/traces';
    expect((await raw(path, { 'content-type': 'application/json' }, 'POST', body)).status).toBe(401);
    expect((await raw(path, withToken(), 'POST', body)).status).toBe(200);
    await expect.poll(() => userBackend.spans.length).toBe(1);
    expect(userBackend.spans[0]).toMatchObject({
      name: 'invoke_workflow notes',
      attributes: { 'gen_ai.operation.name': 'invoke_workflow' },
    });
  });
});
