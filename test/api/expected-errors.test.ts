// One error type for expected failures: whatever ExpectedError a handler throws answers with its own code (and
// field errors), the classes that answered 'conflict' or 'config' before still do, and anything else is 'internal'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type ApiResult, type Channel } from '../../preload/contract.ts';
import { registerHandlers, type Handlers, type Responder, type Transport } from '../../main/api/register.ts';
import { ExpectedError } from '../../main/common/errors.ts';
import { ConfigError } from '../../main/trm/config.ts';
import { CheckpointError } from '../../main/train/checkpoint.ts';
import { RunError } from '../../main/train/run.ts';
import { TorchCheckpointError } from '../../main/trm/torch-checkpoint.ts';
import { NpyError } from '../../main/common/npy.ts';
import { OfficialFormatError } from '../../main/puzzles/official-format.ts';
import { MazeError } from '../../main/puzzles/maze.ts';
import { PuzzleInputError } from '../../main/trace/puzzle-input.ts';
import { LibraryError } from '../../db/index.ts';
import { UsageError } from '../../main/cli/args.ts';
import { reportError } from '../../main/cli/main.ts';

/** presets.list answers by throwing `error`. */
async function replyTo(error: unknown): Promise<ApiResult<unknown>> {
  let respond: Responder<string> | undefined;
  const transport: Transport<string> = { handle: (channel, responder) => { if (channel === 'presets.list') respond = responder; }, isTrustedSender: () => true };
  const handlers = new Proxy({} as Handlers, { get: () => () => { throw error; } });
  registerHandlers(transport, handlers);
  const silenced = console.error;
  console.error = () => {}; // 'internal' replies are logged with their stack
  try {
    return await respond!({}, 'ui');
  } finally {
    console.error = silenced;
  }
}

const cases: [string, unknown, string][] = [
  ['ExpectedError (default code)', new ExpectedError('bad file /x'), 'invalid-input'],
  ['ExpectedError with a code', new ExpectedError('no such thing', { code: 'not-found' }), 'not-found'],
  ['ApiError', new ApiError({ code: 'not-found', message: 'no run 7' }), 'not-found'],
  ['ConfigError', new ConfigError({ 'model.hiddenSize': 'must be positive' }), 'config'],
  ['CheckpointError', new CheckpointError('/x.trmckpt is truncated'), 'invalid-input'],
  ['TorchCheckpointError', new TorchCheckpointError('/x.pt: not a ZIP archive'), 'invalid-input'],
  ['NpyError', new NpyError('/x.npy: bad magic'), 'invalid-input'],
  ['OfficialFormatError', new OfficialFormatError('missing file /x/identifiers.json'), 'invalid-input'],
  ['MazeError', new MazeError('maze is empty'), 'invalid-input'],
  ['UsageError', new UsageError('--x needs a value'), 'invalid-input'],
  // These answered 'conflict' before ExpectedError (through their `expected` flag or library-handlers) and still do.
  ['RunError', new RunError('run 1 already finished'), 'conflict'],
  ['PuzzleInputError', new PuzzleInputError('81 cells, but this run trains on 4×4'), 'conflict'],
  ['LibraryError', new LibraryError("the set 'x' is read-only"), 'conflict'],
  ['an Error marked expected', Object.assign(new Error('disk full'), { expected: true }), 'conflict'],
  ['a plain Error (a bug)', new TypeError("Cannot read properties of undefined (reading 'x')"), 'internal'],
  ['a thrown string (a bug)', 'oops', 'internal'],
];

test('a handler that throws: expected failures answer with their code, bugs with internal', async () => {
  for (const [what, error, code] of cases) {
    const result = await replyTo(error);
    assert.equal(result.ok, false, what);
    if (result.ok) continue;
    assert.equal(result.error.code, code, what);
    assert.equal(result.error.message, error instanceof Error ? error.message : String(error), what);
  }
});

test('field errors travel with the reply', async () => {
  const config = await replyTo(new ConfigError({ 'model.hiddenSize': 'must be positive', 'train.batchSize': 'too large' }));
  assert.deepEqual(!config.ok && config.error.fieldErrors, { 'model.hiddenSize': 'must be positive', 'train.batchSize': 'too large' });
  const custom = await replyTo(new ExpectedError('bad task', { fieldErrors: { 'data.tasks': 'does not exist' } }));
  assert.deepEqual(!custom.ok && custom.error, { code: 'invalid-input', message: 'bad task', fieldErrors: { 'data.tasks': 'does not exist' } });
  const plain = await replyTo(new RunError('run 1 already finished'));
  assert.deepEqual(!plain.ok && plain.error, { code: 'conflict', message: 'run 1 already finished' });
});

test('the client-side ApiError is an ExpectedError with the reply code', () => {
  const error = new ApiError({ code: 'invalid-input', message: 'x', fieldErrors: { a: 'b' } });
  assert.ok(error instanceof ExpectedError);
  assert.equal(error.code, 'invalid-input');
  assert.deepEqual(error.fieldErrors, { a: 'b' });
  assert.deepEqual(new ApiError({ code: 'internal', message: 'y' }).fieldErrors, {});
});

test('the CLI: one line and exit 2 for every expected failure, a stack and exit 1 for a bug', () => {
  const printed: string[] = [];
  const original = console.error;
  const debug = process.env.TRM_DEBUG;
  delete process.env.TRM_DEBUG;
  console.error = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try {
    for (const [what, error] of cases.filter(([, , code]) => code !== 'internal')) {
      printed.length = 0;
      assert.equal(reportError(error), 2, what);
      assert.deepEqual(printed, [`trm: ${(error as Error).message}`], what);
    }
    printed.length = 0;
    assert.equal(reportError(new OfficialFormatError('/d/train is not a valid official split:\n  problem one\n  problem two')), 2);
    assert.deepEqual(printed, ['trm: /d/train is not a valid official split: problem one; problem two']);
    printed.length = 0;
    assert.equal(reportError(new TypeError('boom')), 1);
    assert.equal(printed[0], 'trm: boom');
    assert.match(printed.join('\n'), /\n\s+at /);
  } finally {
    console.error = original;
    if (debug !== undefined) process.env.TRM_DEBUG = debug;
  }
});
