import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_NAMES, MAX_JOB_CONCURRENCY, type ApiResult, type Channel } from '../../preload/contract.ts';
import { registerHandlers, type Handlers, type Responder, type Transport } from '../../main/api/register.ts';
import { CONCURRENCY_SETTING, startBackend } from '../../main/api/index.ts';
import type { ApiTrainer } from '../../main/api/handlers.ts';

/** A transport that records the responders; senders are strings, 'ui' is the trusted one. */
function memoryTransport() {
  const responders = new Map<Channel, Responder<string>>();
  const transport: Transport<string> = { handle: (channel, respond) => { responders.set(channel, respond); }, isTrustedSender: (sender) => sender === 'ui' };
  const call = (channel: Channel, payload: unknown, sender = 'ui'): Promise<ApiResult<unknown>> => responders.get(channel)!(payload, sender);
  return { transport, responders, call };
}

/** Handlers that record whether any of them ran. */
function spyHandlers(calls: string[]): Handlers {
  return new Proxy({} as Handlers, { get: (_, channel: string) => () => { calls.push(channel); return null; } });
}

test('every channel is registered and rejects malformed payloads without calling its handler', async () => {
  const calls: string[] = [];
  const { transport, responders, call } = memoryTransport();
  registerHandlers(transport, spyHandlers(calls));
  assert.deepEqual([...responders.keys()].sort(), [...CHANNEL_NAMES].sort());
  const malformed: unknown[] = [null, 42, 'runs', [], { unexpectedKey: 1 }, { runId: 'one' }, { runId: -1, preset: 7, key: '' }];
  for (const channel of CHANNEL_NAMES) {
    for (const payload of malformed) {
      const result = await call(channel, payload);
      assert.equal(result.ok, false, `${channel} accepted ${JSON.stringify(payload)}`);
      assert.equal(!result.ok && result.error.code, 'invalid-payload');
    }
  }
  assert.deepEqual(calls, []);
});

test('requests from an untrusted sender are refused before validation', async () => {
  const calls: string[] = [];
  const { transport, call } = memoryTransport();
  registerHandlers(transport, spyHandlers(calls));
  const result = await call('presets.list', {}, 'https://evil.example');
  assert.deepEqual(result, { ok: false, error: { code: 'forbidden', message: 'presets.list: request from an untrusted sender' } });
  assert.deepEqual(calls, []);
  assert.equal((await call('presets.list', {})).ok, true);
  assert.deepEqual(calls, ['presets.list']);
});

test('the real handlers over a database: runs, settings, presets, config, errors as replies', async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-api-'));
  const previousHome = process.env.TRM_HOME;
  process.env.TRM_HOME = home;
  const trainer: ApiTrainer = {
    createRun: async (options, db) => ({ runId: db!.createRun({ name: options.name ?? 'r', preset: options.preset, config: {}, backend: options.backend ?? 'auto', backendVersion: '', appVersion: '0', datasetFingerprint: 'f', totalSteps: 10 }).id }),
    estimateRun: async () => ({ parameterCount: 1, memoryBytes: 4, errors: {} }),
    runDirectory: async (runId) => join(home, 'runs', String(runId)),
  };
  const backend = startBackend({ mode: 'browser', version: '9.9.9', trainer });
  try {
    const { transport, call } = memoryTransport();
    registerHandlers(transport, backend.handlers);
    const created = await call('runs.create', { preset: 'sudoku4-mlp', name: 'first', start: false });
    assert.deepEqual(created, { ok: true, value: { runId: 1, job: null } });
    const listed = await call('runs.list', {});
    assert.equal(listed.ok && (listed.value as { name: string }[])[0]?.name, 'first');
    assert.equal((await call('runs.update', { runId: 1, tags: ['b', 'a'] })).ok, true);
    const got = await call('runs.get', { runId: 1 });
    assert.deepEqual(got.ok && (got.value as { tags: string[] }).tags, ['a', 'b']);
    const missing = await call('runs.get', { runId: 99 });
    assert.equal(!missing.ok && missing.error.code, 'not-found');
    const unknownPreset = await call('runs.create', { preset: 'nope' });
    assert.equal(!unknownPreset.ok && unknownPreset.error.code, 'not-found');
    assert.deepEqual(await call('settings.set', { key: 'backend', value: 'wasm' }), { ok: true, value: null });
    assert.deepEqual(await call('settings.get', { key: 'backend' }), { ok: true, value: 'wasm' });
    // Jobs at once: out-of-range values are refused with a clear message; a valid one is applied and stored.
    assert.deepEqual(await call('jobs.getConcurrency', {}), { ok: true, value: { concurrency: 1, max: MAX_JOB_CONCURRENCY } });
    for (const concurrency of [0, MAX_JOB_CONCURRENCY + 1, 2.5]) {
      const refused = await call('jobs.setConcurrency', { concurrency });
      assert.equal(!refused.ok && refused.error.code, 'invalid-payload');
      assert.match(!refused.ok ? refused.error.message : '', /jobs at once must be/);
    }
    assert.equal(backend.db.getSetting(CONCURRENCY_SETTING), undefined);
    assert.deepEqual(await call('jobs.setConcurrency', { concurrency: 3 }), { ok: true, value: { concurrency: 3, max: MAX_JOB_CONCURRENCY } });
    assert.equal(backend.jobs.getConcurrency(), 3);
    assert.deepEqual(await call('settings.get', { key: CONCURRENCY_SETTING }), { ok: true, value: 3 });
    // The generic settings channel writes the same setting through the same checks, and applies it at once.
    assert.deepEqual(await call('settings.set', { key: CONCURRENCY_SETTING, value: 2 }), { ok: true, value: null });
    assert.equal(backend.jobs.getConcurrency(), 2);
    for (const value of ['four', 0, 1.5, null]) {
      const refused = await call('settings.set', { key: CONCURRENCY_SETTING, value });
      assert.equal(!refused.ok && refused.error.code, 'invalid-payload');
      assert.match(!refused.ok ? refused.error.message : '', /jobs at once must be a whole number from 1 to 16/);
    }
    assert.equal(backend.jobs.getConcurrency(), 2);
    assert.deepEqual(await call('settings.get', { key: CONCURRENCY_SETTING }), { ok: true, value: 2 });
    assert.deepEqual(await call('jobs.setConcurrency', { concurrency: 3 }), { ok: true, value: { concurrency: 3, max: MAX_JOB_CONCURRENCY } });
    const info = await call('app.info', {});
    assert.deepEqual(info.ok && info.value, { mode: 'browser', version: '9.9.9', workspace: home, backend: 'wasm' });
    const fields = await call('config.describe', { preset: 'sudoku4-mlp' });
    assert.ok(fields.ok && (fields.value as { path: string; value: unknown }[]).some((f) => f.path === 'model.hiddenSize' && f.value === 64));
    const presets = await call('presets.list', {});
    assert.ok(presets.ok && (presets.value as unknown[]).length > 0);
    const resumeFinished = await call('runs.resume', { runId: 1 });
    assert.equal(resumeFinished.ok, true); // a queued run without a job may be (re)started
    assert.equal((await call('runs.delete', { runId: 1 })).ok, false); // its job is active now
    assert.equal((await call('runs.kill', { runId: 1 })).ok, true);
  } finally {
    await backend.close(2000);
    if (previousHome === undefined) delete process.env.TRM_HOME; else process.env.TRM_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  }
});
