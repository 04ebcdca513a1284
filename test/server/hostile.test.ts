// What a hostile web page or a broken client can send the browser-mode server (issue 16 items 1–3): malformed
// request paths, oversized and malformed WebSocket frames, deep nesting, and exceptions nothing caught. After each,
// the server must still answer a normal request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../main/server/index.ts';
import { MAX_IMPORT_CHARS, MAX_REQUEST_BYTES } from '../../preload/contract.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FAKE_TRAINER = fileURLToPath(new URL('../jobs/fake-trainer.ts', import.meta.url));
let home: string;
let server: RunningServer;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'trm-hostile-'));
  const staticDir = join(home, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>TRM</title>');
  server = await startServer({ port: 0, workspace: home, staticDir, backend: { trainerModule: FAKE_TRAINER } });
});
after(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

/** Sends one raw HTTP/1.1 request (the target exactly as given, as `curl --path-as-is` does); resolves its status. */
function rawGet(target: string, host = `127.0.0.1:${server.port}`): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

function openSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { maxPayload: 0 });
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

/** Sends each frame and collects the replies (messages with an id; events are broadcast too), in order. */
async function exchange(ws: WebSocket, frames: (string | Buffer)[]): Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }[]> {
  const replies: { id: number; result: { ok: boolean; error?: { code: string; message: string } } }[] = [];
  const listener = (data: WebSocket.RawData) => {
    const message = JSON.parse(String(data)) as object;
    if ('id' in message) replies.push(message as never);
  };
  ws.on('message', listener);
  for (const frame of frames) ws.send(frame);
  const deadline = Date.now() + 20_000;
  while (replies.length < frames.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  ws.off('message', listener);
  return replies;
}

async function stillServes(): Promise<void> {
  assert.equal(await rawGet('/'), 200);
  const ws = await openSocket();
  try {
    const [reply] = await exchange(ws, [JSON.stringify({ id: 1, channel: 'app.info', payload: {} })]);
    assert.equal(reply?.result.ok, true, 'app.info after the hostile input');
  } finally {
    ws.close();
  }
}

test('a malformed request path gets 400, and the server keeps serving', async () => {
  for (const target of ['/%', '/%zz', '/%E0%A4%A', '/assets/%ff', '/%00', '/a%00b.html', '/%C0%AF']) {
    assert.equal(await rawGet(target), 400, target);
  }
  // Other targets a page can make: a very long one (Node refuses it), an absolute-form URL, a foreign Host.
  assert.equal(await rawGet(`/${'a'.repeat(20_000)}`), 431);
  assert.equal(await rawGet('/', 'evil.example'), 403);
  assert.notEqual(await rawGet('http://evil.example/%'), 0);
  await stillServes();
});

test('the frame limit agrees with the contract: the largest import reaches its handler, a larger frame closes only its socket (1009)', { timeout: 120_000 }, async () => {
  const ws = await openSocket();
  const frame = JSON.stringify({ id: 7, channel: 'library.importFiles', payload: { setId: 999_999, files: [{ path: 'big.json', content: 'x'.repeat(MAX_IMPORT_CHARS) }] } });
  assert.ok(frame.length <= MAX_REQUEST_BYTES);
  const [reply] = await exchange(ws, [frame]);
  assert.equal(reply?.id, 7);
  assert.equal(reply?.result.ok, false);
  assert.notEqual(reply?.result.error?.code, 'internal');
  // One byte over the limit: that socket is closed with a reason; the process lives on.
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20));
  assert.equal(await closed, 1009);
  await stillServes();
});

test('every malformed frame gets an error reply; nesting past the limit is refused before the schema', async () => {
  // Built as text: JSON.stringify itself would overflow the stack on these.
  const deep = `${'{"a":'.repeat(1_500)}1${'}'.repeat(1_500)}`;
  const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const frames: (string | Buffer)[] = [
    'null', '[]', '42', '"text"', 'true', '{', 'not json', '', Buffer.from([0xff, 0x00, 0xfe]),
    JSON.stringify({ id: 1 }),
    JSON.stringify({ id: 'x', channel: 'app.info' }),
    JSON.stringify({ id: 2, channel: { toString: 1 } }),
    JSON.stringify({ id: 3, channel: '__proto__', payload: {} }),
    `{"id":4,"channel":"settings.set","payload":{"key":"k","value":${deep}}}`,
    `{"id":5,"channel":"settings.set","payload":{"key":"k","value":${deepArray}}}`,
    JSON.stringify({ id: 6, channel: 'runs.get', payload: null }),
  ];
  const ws = await openSocket();
  try {
    const replies = await exchange(ws, frames);
    assert.equal(replies.length, frames.length, 'one reply per frame');
    for (const reply of replies) {
      assert.equal(reply.result.ok, false);
      assert.ok(['invalid-payload', 'forbidden'].includes(reply.result.error!.code), JSON.stringify(reply.result.error));
    }
    const deepReply = replies.find((reply) => reply.id === 4)!;
    assert.match(deepReply.result.error!.message, /nested deeper than \d+ levels/);
  } finally {
    ws.close();
  }
  await stillServes();
});

test('trm serve keeps serving through an uncaught exception and shows it to connected windows', { timeout: 60_000 }, async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'trm-guard-'));
  const script = `
    import { startServer } from ${JSON.stringify(join(root, 'main/server/index.ts'))};
    const server = await startServer({ port: 0, workspace: ${JSON.stringify(workspace)}, staticDir: ${JSON.stringify(workspace)}, guardProcess: true });
    console.log(JSON.stringify({ port: server.port, token: server.token }));
    process.stdin.once('data', () => { setTimeout(() => { throw new Error('boom from a timer'); }); Promise.reject(new Error('nobody awaited this')); });
    process.stdin.once('end', async () => { await server.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(String(chunk)));
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    });
    const { port, token } = JSON.parse(first) as { port: number; token: string };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const messages: { id?: number; event?: { type: string; message: string }; result?: { ok: boolean } }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    child.stdin.write('go\n');
    const deadline = Date.now() + 20_000;
    while (messages.filter((m) => m.event?.type === 'app-error').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const shown = messages.filter((m) => m.event?.type === 'app-error').map((m) => m.event!.message).join('\n');
    assert.match(shown, /boom from a timer/);
    assert.match(shown, /nobody awaited this/);
    ws.send(JSON.stringify({ id: 9, channel: 'app.info', payload: {} }));
    while (!messages.some((m) => m.id === 9) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(messages.find((m) => m.id === 9)?.result?.ok, true, 'still serving');
    assert.equal(child.exitCode, null);
    assert.match(stderr, /uncaught exception \(still serving\)/);
    ws.close();
  } finally {
    child.stdin.end();
    await new Promise((resolve) => { if (child.exitCode !== null) resolve(null); else child.once('exit', resolve); });
    rmSync(workspace, { recursive: true, force: true });
  }
});
