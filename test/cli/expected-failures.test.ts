// Expected failures on the command line are one line and a non-zero exit, never a stack or a hang: a damaged or
// unopenable trm.sqlite, an unusable TRM_HOME, bad checkpoint files, bad dataset folders, bad task files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TRM = join(import.meta.dirname, '..', '..', 'bin', 'trm.mjs');
/** The smallest sudoku4 run (it never gets to train in these tests). */
const TINY = ['--preset', 'sudoku4-mlp', '--max-steps', '2', '--set', 'model.hiddenSize=16', '--set', 'model.puzzleEmbDim=16', '--set', 'train.batchSize=8', '--set', 'data.testExamples=16'];

function trm(args: string[], home: string) {
  // A hang fails the test instead of stalling the suite.
  return spawnSync(process.execPath, [TRM, ...args], { env: { ...process.env, TRM_HOME: home, TRM_DEBUG: '' }, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Exit non-zero, and stderr is exactly one line `trm: …` that names `mentions` and has no stack. */
function assertOneLine(what: string, result: ReturnType<typeof trm>, mentions: string | RegExp): void {
  assert.notEqual(result.signal, 'SIGTERM', `${what}: timed out (a hang)`);
  assert.notEqual(result.status, 0, `${what}: exit 0`);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `${what}: stderr is not one line:\n${result.stderr}`);
  assert.match(lines[0], /^trm: /, what);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `${what}: a stack`);
  if (typeof mentions === 'string') assert.ok(lines[0].includes(mentions), `${what}: '${lines[0]}' does not name ${mentions}`);
  else assert.match(lines[0], mentions, what);
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'trm-fail-'));
}

test('a damaged or unopenable trm.sqlite: one line naming the file', { timeout: 180_000 }, () => {
  const root = folder();
  try {
    const damaged = (name: string, make: (path: string) => void): string => {
      const home = join(root, name);
      mkdirSync(home);
      make(join(home, 'trm.sqlite'));
      return home;
    };
    const random = damaged('random', (path) => writeFileSync(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))));
    const text = damaged('text', (path) => writeFileSync(path, 'not a database\n'.repeat(200)));
    const folderInstead = damaged('folder', (path) => mkdirSync(path));
    const brokenLink = damaged('link', (path) => symlinkSync(join(root, 'nowhere', 'trm.sqlite'), path));
    const fifo = damaged('fifo', (path) => spawnSync('mkfifo', [path]));
    for (const [what, home, args, mentions] of [
      ['random bytes: runs', random, ['runs'], /trm\.sqlite: it is not an SQLite database/],
      ['random bytes: train', random, ['train', ...TINY], /trm\.sqlite: it is not an SQLite database/],
      ['random bytes: eval', random, ['eval', '1'], /trm\.sqlite: it is not an SQLite database/],
      ['text: resume', text, ['resume', '1'], /trm\.sqlite: it is not an SQLite database/],
      ['a folder named trm.sqlite: runs', folderInstead, ['runs'], /trm\.sqlite: it is a folder, not a file/],
      ['a folder named trm.sqlite: train', folderInstead, ['train', ...TINY], /trm\.sqlite: it is a folder, not a file/],
      ['a broken link: runs', brokenLink, ['runs'], /trm\.sqlite: it is a symbolic link to .*nowhere.*, which does not exist/],
      ['a named pipe: runs', fifo, ['runs'], /trm\.sqlite: it is a named pipe/],
    ] as const) assertOneLine(what, trm([...args], home), mentions);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an unusable TRM_HOME: one line naming it, even for root (a file where a folder must be)', { timeout: 180_000 }, () => {
  const root = folder();
  try {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    for (const [what, home, args, mentions] of [
      ['TRM_HOME is a file: runs', file, ['runs'], `the workspace folder ${file} is a file, not a folder`],
      ['TRM_HOME is a file: eval', file, ['eval', '1'], `the workspace folder ${file} is a file, not a folder`],
      ['TRM_HOME under a file: runs', join(file, 'home'), ['runs'], `cannot be a folder: ${file} is a file`],
      ['TRM_HOME under a file: train', join(file, 'home'), ['train', ...TINY], `cannot be a folder: ${file} is a file`],
      ['TRM_HOME is a device: runs', '/dev/null', ['runs'], 'the workspace folder /dev/null is a character device, not a folder'],
      ['TRM_HOME under a device: trace', '/dev/null/home', ['trace', '1', '--puzzle', file], 'cannot be a folder: /dev/null is a file'],
      // Node's recursive mkdir never returns under /proc.
      ['TRM_HOME under /proc: runs', '/proc/trm-home', ['runs'], '/proc/trm-home is under /proc'],
      ['TRM_HOME under /sys: train', '/sys/trm-home', ['train', ...TINY], '/sys/trm-home is under /sys'],
    ] as const) assertOneLine(what, trm([...args], home), mentions);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an unwritable TRM_HOME (not as root, which may write anyway)', { timeout: 60_000, skip: process.getuid?.() === 0 ? 'running as root' : false }, () => {
  const root = folder();
  try {
    const locked = join(root, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    assertOneLine('read-only parent', trm(['runs'], join(locked, 'home')), join(locked, 'home'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
