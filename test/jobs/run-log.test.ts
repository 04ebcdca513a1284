// The run log's writer and reader (main/jobs/run-log.ts): whole lines only, a cap with one rotated file, reads
// bounded and cut after a newline (or between characters for a line longer than a read), a rotation seen as reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunLog, RunLogWriter, runLogPath } from '../../main/jobs/run-log.ts';

test('output is written in whole lines, per stream, and the rest at the end', () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-log-'));
  try {
    const path = runLogPath(home, 7);
    const log = new RunLogWriter(path);
    log.output('stdout', 'one\ntw');
    log.output('stderr', 'warning: half');
    assert.equal(readFileSync(path, 'utf8'), 'one\n');
    log.output('stdout', 'o\n');
    log.flush();
    assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\nwarning: half\n');
    log.note('job 1 finished');
    assert.match(readFileSync(path, 'utf8'), /\n\[\d{4}-\d\d-\d\dT[\d:.]+Z\] job 1 finished\n$/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('reads are bounded and cut after a newline; past the cap the file rotates and a reader starts again', () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-log-'));
  try {
    const path = runLogPath(home, 1);
    assert.deepEqual(readRunLog(path, 0), { text: '', nextByte: 0, size: 0, reset: false }, 'no log yet');
    const log = new RunLogWriter(path, 100);
    for (let i = 0; i < 8; i++) log.output('stdout', `line ${i}\n`); // 7 bytes each: 56
    const first = readRunLog(path, 0, 20);
    assert.equal(first.text, 'line 0\nline 1\n');
    assert.equal(first.nextByte, 14);
    const rest = readRunLog(path, first.nextByte);
    assert.equal(rest.text.split('\n').length - 1, 6);
    assert.equal(rest.nextByte, rest.size);
    for (let i = 8; i < 16; i++) log.output('stdout', `line ${i}\n`);
    assert.ok(existsSync(`${path}.1`), 'the full file moved to train.log.1');
    const again = readRunLog(path, 10_000);
    assert.equal(again.reset, true);
    assert.ok(again.text.startsWith('line '));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a line longer than a read is cut between characters, never inside one', () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-log-'));
  try {
    const path = runLogPath(home, 2);
    new RunLogWriter(path).output('stdout', `${'é'.repeat(50)}\n`); // 2 bytes each
    const chunk = readRunLog(path, 0, 11);
    assert.equal(chunk.text, 'é'.repeat(5));
    assert.equal(chunk.nextByte, 10);
    assert.equal(readRunLog(path, chunk.nextByte).text, `${'é'.repeat(45)}\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
