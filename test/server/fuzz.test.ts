// Fuzzes every channel of preload/contract.ts (issue 16 item 5): for each, a payload built to pass its schema,
// then that payload with each field replaced by a hostile value (wrong types, huge strings, NaN, negative and
// enormous numbers, `__proto__` keys, path-traversal names, deep nesting), fields missing and extra, and the
// whole payload replaced; then seeded random raw frames. Every request must get a reply, none may be 'internal'
// (a bug: a handler threw something unexpected), and the server must still answer a normal request afterwards.
// Values only IPC's structured clone can carry (NaN, cycles, Maps, BigInt) go through the same responders in
// process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { z } from 'zod';
import { startServer, type RunningServer } from '../../main/server/index.ts';
import { registerHandlers, type Responder } from '../../main/api/index.ts';
import { CHANNEL_NAMES, CHANNELS, type Channel } from '../../preload/contract.ts';
import { Rng } from '../../main/common/rng.ts';

const FAKE_TRAINER = fileURLToPath(new URL('../jobs/fake-trainer.ts', import.meta.url));
const ERROR_CODES = ['invalid-payload', 'forbidden', 'not-found', 'conflict', 'config', 'invalid-input'];
let home: string;
let server: RunningServer;
let ws: WebSocket;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'trm-fuzz-'));
  const staticDir = join(home, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>TRM</title>');
  server = await startServer({ port: 0, workspace: home, staticDir, backend: { trainerModule: FAKE_TRAINER } });
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { maxPayload: 0 });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
});
after(async () => {
  ws.close();
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

type Schema = z.ZodType & { def: { type: string; innerType?: Schema; element?: Schema; options?: Schema[]; entries?: Record<string, string>; values?: unknown[] }; shape?: Record<string, Schema> };

/** A value that passes `schema` (the first candidate that does for leaves); optional fields are filled in. */
function validExample(schema: Schema): unknown {
  const { def } = schema;
  switch (def.type) {
    case 'optional': case 'default': case 'nullable': return validExample(def.innerType!);
    case 'object': return Object.fromEntries(Object.entries(schema.shape!).map(([key, field]) => [key, validExample(field)]));
    case 'array': return [validExample(def.element!)];
    case 'record': return { 'train.lr': '0.001' };
    case 'enum': return Object.values(def.entries!)[0];
    case 'literal': return def.values![0];
    case 'union': return validExample(def.options![0]);
    default: return [1, 'latest', 'a', '#00ff00', true, { a: 1 }].find((candidate) => schema.safeParse(candidate).success) ?? null;
  }
}

const deepObject = (levels: number): unknown => (levels === 0 ? 1 : { a: deepObject(levels - 1) });
/** Replacements for one field; JSON text (`raw`) where JSON.stringify would lose the point (a `__proto__` key). */
const HOSTILE_VALUES: { label: string; value?: unknown; raw?: string }[] = [
  { label: 'null', value: null }, { label: 'false', value: false }, { label: '-1', value: -1 }, { label: '0', value: 0 },
  { label: '1.5', value: 1.5 }, { label: '1e308', value: 1e308 }, { label: '-1e308', value: -1e308 }, { label: '2^53+2', value: 2 ** 53 + 2 },
  { label: 'empty string', value: '' }, { label: '300k string', value: 'x'.repeat(300_000) }, { label: 'numeric string', value: '1e9' },
  { label: 'path traversal', value: '../../../../../etc/passwd' }, { label: 'absolute path with NUL', value: '/tmp/x\u0000.json' },
  { label: "'__proto__'", value: '__proto__' }, { label: 'empty array', value: [] }, { label: 'array of 10k', value: Array.from({ length: 10_000 }, (_, i) => i) },
  { label: 'empty object', value: {} }, { label: '__proto__ key', raw: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' },
  { label: '70 levels deep', value: deepObject(70) },
];

let nextId = 1;
const pending = new Map<number, (result: { ok: boolean; error?: { code: string; message: string } }) => void>();
function onMessage(data: WebSocket.RawData): void {
  const message = JSON.parse(String(data)) as { id?: number; result?: { ok: boolean } };
  if (typeof message.id === 'number' && message.result) pending.get(message.id)?.(message.result);
}

/** Sends one frame (payload as JSON text) and waits for its reply. */
function request(channel: string, payloadJson: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${channel} ${payloadJson.slice(0, 120)}`)), 30_000);
    pending.set(id, (result) => { clearTimeout(timer); pending.delete(id); resolve(result); });
    ws.send(`{"id":${id},"channel":${JSON.stringify(channel)},"payload":${payloadJson}}`);
  });
}

/** The payloads tried on one channel: [what, JSON text]. */
function payloadsFor(channel: Channel): [string, string][] {
  const schema = CHANNELS[channel].payload as unknown as Schema;
  const base = validExample(schema) as Record<string, unknown>;
  const cases: [string, string][] = [['valid', JSON.stringify(base)]];
  for (const { label, value, raw } of HOSTILE_VALUES) cases.push([`payload = ${label}`, raw ?? JSON.stringify(value)]);
  cases.push(['extra field', JSON.stringify({ ...base, unexpected: 1 })]);
  for (const key of Object.keys(schema.shape ?? {})) {
    const { [key]: _dropped, ...rest } = base;
    cases.push([`${key} missing`, JSON.stringify(rest)]);
    for (const { label, value, raw } of HOSTILE_VALUES) {
      const text = JSON.stringify({ ...base, [key]: '\u0001' }).replace('"\\u0001"', raw ?? JSON.stringify(value));
      cases.push([`${key} = ${label}`, text]);
    }
  }
  return cases;
}

test('every channel answers malformed payloads without an internal error, and the server serves on', { timeout: 600_000 }, async () => {
  ws.on('message', onMessage);
  const internal: string[] = [];
  let sent = 0;
  for (const channel of CHANNEL_NAMES) {
    for (const [what, payload] of payloadsFor(channel)) {
      const result = await request(channel, payload);
      sent++;
      if (result.ok) continue;
      assert.ok(ERROR_CODES.includes(result.error!.code) || result.error!.code === 'internal', `${channel} ${what}: unknown code ${result.error!.code}`);
      if (result.error!.code === 'internal') internal.push(`${channel} ${what}: ${result.error!.message}`);
    }
  }
  console.log(`fuzz: ${sent} payloads over ${CHANNEL_NAMES.length} channels`);
  assert.deepEqual(internal, [], 'internal errors are bugs');
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype untouched');
  // Nothing was written outside the workspace by a path-traversal name (the workspace holds what the API made).
  assert.ok(readdirSync(home).includes('trm.sqlite'));
  const info = await request('app.info', '{}');
  assert.equal(info.ok, true);
  assert.ok(process.memoryUsage().rss < 2 ** 31, `memory stays bounded (${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
});

test('seeded random raw frames each get a reply; the server serves on', { timeout: 120_000 }, async () => {
  const rng = new Rng(16);
  const below = (n: number): number => rng.int(0, n - 1);
  const valid = JSON.stringify({ id: 0, channel: 'runs.list', payload: {} });
  let replied = 0;
  const frames = 300;
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { maxPayload: 0 });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.on('message', (data) => { if ('id' in (JSON.parse(String(data)) as object)) replied++; });
  for (let i = 0; i < frames; i++) {
    // Text frames: a valid frame with characters replaced (by ASCII: ws closes a socket on invalid UTF-8, a
    // protocol error), cut or doubled. Binary frames: random bytes.
    if (i % 2 === 0) {
      const bytes = Buffer.from(valid);
      for (let flips = 1 + below(4); flips > 0; flips--) bytes[below(bytes.length)] = below(128);
      const text = String(bytes);
      socket.send(below(3) === 0 ? text.slice(0, below(text.length)) : below(2) === 0 ? text + text : text);
    } else {
      socket.send(Buffer.from(Array.from({ length: below(200) }, () => below(256))), { binary: true });
    }
  }
  const deadline = Date.now() + 30_000;
  while (replied < frames && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(replied, frames, 'one reply per frame');
  assert.equal(socket.readyState, WebSocket.OPEN);
  socket.close();
  const info = await request('app.info', '{}');
  assert.equal(info.ok, true);
});

test('a 20 MB frame of ten million array elements is refused before the schema walks it', { timeout: 120_000 }, async () => {
  const elements = 10_000_000;
  const started = performance.now();
  const result = await request('views.parameterCounts', `{"runIds":[${'0,'.repeat(elements - 1)}0]}`);
  assert.equal(result.ok, false);
  assert.equal(result.error!.code, 'invalid-payload');
  assert.match(result.error!.message, /more than [\d,]+ values/);
  assert.ok(performance.now() - started < 20_000, 'answered quickly');
  assert.ok(process.memoryUsage().rss < 2 ** 31);
});

test('values only structured clone carries (NaN, Infinity, BigInt, cycles, shared objects, Maps, typed arrays) are refused', async () => {
  const responders = new Map<Channel, Responder<null>>();
  registerHandlers<null>({ handle: (channel, respond) => { responders.set(channel, respond); }, isTrustedSender: () => true }, server.backend.handlers);
  const cyclic: Record<string, unknown> = { key: 'k' };
  cyclic.value = cyclic;
  const shared = { a: 1 };
  const odd: [string, unknown][] = [
    ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY], ['-Infinity', Number.NEGATIVE_INFINITY], ['-0', -0], ['BigInt', 10n ** 30n],
    ['Date', new Date(0)], ['Map', new Map([[1, 2]])], ['Set', new Set([1])], ['Uint8Array', new Uint8Array(1 << 20)],
    ['sparse array', new Array(10_000_000)], ['null-prototype object', Object.create(null)],
  ];
  const internal: string[] = [];
  let tried = 0;
  for (const channel of CHANNEL_NAMES) {
    const schema = CHANNELS[channel].payload as unknown as Schema;
    const base = validExample(schema) as Record<string, unknown>;
    const payloads: [string, unknown][] = [['cycle', cyclic], ['shared', { x: shared, y: shared }], ...odd];
    for (const key of Object.keys(schema.shape ?? {})) {
      for (const [label, value] of odd) payloads.push([`${key} = ${label}`, { ...base, [key]: value }]);
      payloads.push([`${key} = cycle`, { ...base, [key]: cyclic }]);
    }
    for (const [what, payload] of payloads) {
      const result = await responders.get(channel)!(payload, null);
      tried++;
      if (!result.ok && result.error.code === 'internal') internal.push(`${channel} ${what}: ${result.error.message}`);
    }
    // A cycle is never accepted, whatever the channel.
    const cycleResult = await responders.get(channel)!({ ...base, loop: cyclic }, null);
    assert.equal(cycleResult.ok, false, channel);
  }
  console.log(`fuzz: ${tried} structured-clone payloads`);
  assert.deepEqual(internal, []);
});
