import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../main/server/index.ts';
import { createWsClient, type WebSocketConstructor } from '../../preload/ws-client.ts';
import { ApiError, type WorkbenchEvent } from '../../preload/contract.ts';

const FAKE_TRAINER = fileURLToPath(new URL('../jobs/fake-trainer.ts', import.meta.url));
let home: string;
let server: RunningServer;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'trm-server-'));
  const staticDir = join(home, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>TRM</title>');
  writeFileSync(join(home, 'secret.txt'), 'outside the static folder');
  server = await startServer({ port: 0, workspace: home, staticDir, backend: { trainerModule: FAKE_TRAINER } });
});
after(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function get(path: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a raw socket; resolves 'open' or the HTTP status it was refused with. */
function tryConnect(query: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

test('serves the renderer on 127.0.0.1 with a strict CSP; refuses foreign hosts and paths outside the folder', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>TRM<\/title>/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal((await get('/', 'evil.example')).status, 403);
  assert.notEqual((await get('/../secret.txt')).status, 200);
  assert.notEqual((await get('/%2e%2e/secret.txt')).status, 200);
});

test('the WebSocket needs the token and our own Origin', async () => {
  assert.equal(await tryConnect(''), 401);
  assert.equal(await tryConnect('?token=wrong'), 401);
  assert.equal(await tryConnect(`?token=${server.token}`, { Origin: 'https://evil.example' }), 403);
  assert.equal(await tryConnect(`?token=${server.token}`, { Origin: `http://localhost:${server.port}` }), 'open');
  assert.equal(await tryConnect(`?token=${server.token}`), 'open');
});

test('the WebSocket client speaks the channel map: replies, errors, events from a job', async () => {
  const api = createWsClient(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
  try {
    const info = await api.app.info();
    assert.equal(info.mode, 'browser');
    assert.ok((await api.presets.list()).some((preset) => preset.name === 'sudoku4-mlp'));
    await assert.rejects(api.runs.get({ runId: 12345 }), (error: unknown) => error instanceof ApiError && error.code === 'not-found');
    await assert.rejects(api.runs.get({ runId: 'x' } as never), (error: unknown) => error instanceof ApiError && error.code === 'invalid-payload');

    const events: WorkbenchEvent[] = [];
    const done = new Promise<void>((resolve) => api.onEvent((event) => {
      events.push(event);
      if (event.type === 'train' && event.event.type === 'done') resolve();
    }));
    const runId = server.backend.db.createRun({ name: 'ws', preset: 'fake', config: {}, backend: 'cpu', backendVersion: '', appVersion: '', datasetFingerprint: '', totalSteps: 100, notes: 'finish' }).id;
    const job = await api.runs.resume({ runId });
    assert.equal(job.runId, runId);
    await done;
    assert.ok(events.some((event) => event.type === 'job' && event.job.state === 'running'));
    assert.equal((await api.runs.get({ runId })).status, 'finished');
  } finally {
    api.close();
  }
});

test('a raw malformed message gets an error reply, and the connection stays usable', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  await new Promise((resolve) => ws.on('open', resolve));
  const replies: unknown[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as object;
    if ('id' in message) replies.push(message); // events are broadcast to every socket too
  });
  ws.send('not json');
  ws.send(JSON.stringify({ id: 2, channel: 'no.such', payload: {} }));
  ws.send(JSON.stringify({ id: 3, channel: 'jobs.list', payload: {} }));
  while (replies.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
  ws.close();
  assert.deepEqual(replies.map((reply) => (reply as { id: number; result: { ok: boolean } }).result.ok), [false, false, true]);
  assert.deepEqual(replies.map((reply) => (reply as { id: number }).id), [-1, 2, 3]);
});
