import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpectedError } from '../../main/common/errors.ts';
import { checkFolder, checkRegularFile, ensureFolder, readRegularFile } from '../../main/common/fs-checks.ts';

const refused = (pattern: RegExp) => (error: unknown) => error instanceof ExpectedError && pattern.test(error.message);

test('ensureFolder creates missing parents, and refuses files in the way and kernel file systems', () => {
  const root = mkdtempSync(join(tmpdir(), 'trm-fs-'));
  try {
    ensureFolder(join(root, 'a', 'b', 'c'));
    assert.ok(statSync(join(root, 'a', 'b', 'c')).isDirectory());
    ensureFolder(join(root, 'a', 'b', 'c')); // already there
    writeFileSync(join(root, 'file'), 'x');
    assert.throws(() => ensureFolder(join(root, 'file'), 'the workspace folder'), refused(/^the workspace folder .*file is a file, not a folder$/));
    assert.throws(() => ensureFolder(join(root, 'file', 'x', 'y')), refused(/x\/y cannot be a folder: .*file is a file$/));
    assert.throws(() => ensureFolder('/proc/trm-test/x'), refused(/is under \/proc, a kernel file system/));
    assert.throws(() => ensureFolder('/sys/trm-test'), refused(/is under \/sys/));
    assert.throws(() => ensureFolder(`${root}/bad\0name`), refused(/contains a NUL byte/));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('checkRegularFile names what the path is instead: missing, a folder, a named pipe', () => {
  const root = mkdtempSync(join(tmpdir(), 'trm-fs-'));
  try {
    const fifo = join(root, 'pipe');
    spawnSync('mkfifo', [fifo]);
    mkdirSync(join(root, 'dir'));
    writeFileSync(join(root, 'ok.json'), '{}');
    assert.equal(readRegularFile(join(root, 'ok.json')).toString(), '{}');
    assert.throws(() => checkRegularFile(join(root, 'missing.json'), 'task file'), refused(/^task file .*missing\.json does not exist$/));
    assert.throws(() => checkRegularFile(join(root, 'dir')), refused(/dir is a folder, not a file$/));
    assert.throws(() => readRegularFile(fifo), refused(/pipe is a named pipe \(FIFO\), not a regular file$/)); // would block forever
    assert.throws(() => checkFolder(join(root, 'ok.json'), 'dataset folder'), refused(/^dataset folder .*ok\.json is a file, not a folder$/));
    assert.throws(() => checkFolder(join(root, 'nope'), 'dataset folder'), refused(/nope does not exist$/));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
