// Expected failures on the command line are one line and a non-zero exit, never a stack or a hang: a damaged or
// unopenable trm.sqlite, an unusable TRM_HOME, bad checkpoint files, bad dataset folders, bad task files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TRM = join(import.meta.dirname, '..', '..', 'bin', 'trm.mjs');
/** The smallest sudoku4 run (it never gets to train in these tests). */
const TINY = ['--preset', 'sudoku4-mlp', '--max-steps', '2', '--set', 'model.hiddenSize=16', '--set', 'model.puzzleEmbDim=16', '--set', 'train.batchSize=8', '--set', 'data.testExamples=16'];

interface Outcome { status: number | null; signal: NodeJS.Signals | null; stderr: string }

/** `trm ARGS` with TRM_HOME=home; a hang is killed after a minute (and fails the test instead of the suite). */
function trm(args: string[], home: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TRM, ...args], { env: { ...process.env, TRM_HOME: home, TRM_DEBUG: '' }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

/** Runs every case (a few at a time: each is a process) and checks each with assertOneLine. */
async function expectOneLineEach(cases: readonly (readonly [what: string, home: string, args: readonly string[], mentions: string | RegExp])[]): Promise<void> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < cases.length; i += 6) outcomes.push(...await Promise.all(cases.slice(i, i + 6).map(([, home, args]) => trm([...args], home))));
  cases.forEach(([what, , , mentions], i) => assertOneLine(what, outcomes[i], mentions));
}

/** Exit non-zero, and stderr is exactly one line `trm: …` that names `mentions` and has no stack. */
function assertOneLine(what: string, result: Outcome, mentions: string | RegExp): void {
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

test('a damaged or unopenable trm.sqlite: one line naming the file', { timeout: 180_000 }, async () => {
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
    await expectOneLineEach([
      ['random bytes: runs', random, ['runs'], /trm\.sqlite: it is not an SQLite database/],
      ['random bytes: train', random, ['train', ...TINY], /trm\.sqlite: it is not an SQLite database/],
      ['random bytes: eval', random, ['eval', '1'], /trm\.sqlite: it is not an SQLite database/],
      ['text: resume', text, ['resume', '1'], /trm\.sqlite: it is not an SQLite database/],
      ['a folder named trm.sqlite: runs', folderInstead, ['runs'], /trm\.sqlite: it is a folder, not a file/],
      ['a folder named trm.sqlite: train', folderInstead, ['train', ...TINY], /trm\.sqlite: it is a folder, not a file/],
      ['a broken link: runs', brokenLink, ['runs'], /trm\.sqlite: it is a symbolic link to .*nowhere.*, which does not exist/],
      ['a named pipe: runs', fifo, ['runs'], /trm\.sqlite: it is a named pipe/],
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an unusable TRM_HOME: one line naming it, even for root (a file where a folder must be)', { timeout: 180_000 }, async () => {
  const root = folder();
  try {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    await expectOneLineEach([
      ['TRM_HOME is a file: runs', file, ['runs'], `the workspace folder ${file} is a file, not a folder`],
      ['TRM_HOME is a file: eval', file, ['eval', '1'], `the workspace folder ${file} is a file, not a folder`],
      ['TRM_HOME under a file: runs', join(file, 'home'), ['runs'], `cannot be a folder: ${file} is a file`],
      ['TRM_HOME under a file: train', join(file, 'home'), ['train', ...TINY], `cannot be a folder: ${file} is a file`],
      ['TRM_HOME is a device: runs', '/dev/null', ['runs'], 'the workspace folder /dev/null is a character device, not a folder'],
      ['TRM_HOME under a device: trace', '/dev/null/home', ['trace', '1', '--puzzle', file], 'cannot be a folder: /dev/null is a file'],
      // Node's recursive mkdir never returns under /proc.
      ['TRM_HOME under /proc: runs', '/proc/trm-home', ['runs'], '/proc/trm-home is under /proc'],
      ['TRM_HOME under /sys: train', '/sys/trm-home', ['train', ...TINY], '/sys/trm-home is under /sys'],
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// Permissions do not stop root: as root, these run as 'nobody' through setpriv where it exists.
const asRoot = process.getuid?.() === 0;
const setpriv = asRoot ? ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path)) : undefined;
const unprivileged = !asRoot ? [] : setpriv ? [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups'] : null;

test('an unwritable TRM_HOME or trm.sqlite (permissions): one line naming it', { timeout: 120_000, skip: unprivileged === null ? 'running as root without setpriv' : false }, async () => {
  const root = folder();
  try {
    chmodSync(root, 0o755);
    const locked = join(root, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    const unreadable = join(root, 'unreadable');
    mkdirSync(unreadable, { mode: 0o777 });
    writeFileSync(join(unreadable, 'trm.sqlite'), '', { mode: 0o000 });
    const runAs = (home: string, args: string[]): Promise<Outcome> => new Promise((resolve) => {
      const [command, ...prefix] = [...unprivileged!, process.execPath];
      const child = spawn(command, [...prefix, TRM, ...args], { env: { ...process.env, HOME: root, TRM_HOME: home, TRM_DEBUG: '' }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
      child.on('close', (status, signal) => resolve({ status, signal, stderr }));
    });
    assertOneLine('under a read-only folder', await runAs(join(locked, 'home'), ['runs']), `the workspace folder ${join(locked, 'home')} is not accessible (permission denied)`);
    assertOneLine('a read-only folder', await runAs(locked, ['train', ...TINY]), `${join(locked, 'trm.sqlite')}: unable to open database file`);
    assertOneLine('trm.sqlite chmod 000', await runAs(unreadable, ['runs']), `${join(unreadable, 'trm.sqlite')}: unable to open database file`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A little ZIP archive of stored entries (enough to be a ZIP that is not a torch.save file). */
function zipOf(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

test('trm import-checkpoint on files that are not checkpoints: one line naming the file', { timeout: 180_000 }, async () => {
  const root = folder();
  try {
    const file = (name: string, bytes: string | Buffer) => { writeFileSync(join(root, name), bytes); return join(root, name); };
    const zip = zipOf({ 'archive/version': '3\n', 'archive/readme.txt': 'no pickle here' });
    const cases: [string, string, RegExp][] = [
      ['an empty file', file('empty.pt', ''), /empty\.pt: the file is empty/],
      ['random bytes', file('random.pt', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24))), /random\.pt: not a ZIP archive/],
      ['a text file', file('notes.txt', 'these are not weights\n'), /notes\.txt: not a ZIP archive/],
      ['a truncated ZIP', file('cut.pt', zip.subarray(0, zip.length - 30)), /cut\.pt: not a ZIP archive/],
      ['a ZIP without data.pkl', file('nopickle.pt', zip), /nopickle\.pt: no data\.pkl in the archive/],
      ['a .npy array', file('array.npy', Buffer.concat([Buffer.from([0x93]), Buffer.from("NUMPY\x01\x00v\x00{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"), Buffer.alloc(60, 0x20)])), /array\.npy: not a ZIP archive/],
      ['a folder', (mkdirSync(join(root, 'folder.pt')), join(root, 'folder.pt')), /checkpoint .*folder\.pt is a folder, not a file/],
      ['a missing file', join(root, 'missing.pt'), /checkpoint .*missing\.pt does not exist/],
      ['a named pipe (read would block)', (spawnSync('mkfifo', [join(root, 'pipe.pt')]), join(root, 'pipe.pt')), /checkpoint .*pipe\.pt is a named pipe/],
    ];
    await expectOneLineEach(cases.map(([what, path, mentions]) => [what, join(root, 'home'), ['import-checkpoint', path, '--preset', 'sudoku4-mlp'], mentions] as const));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('trm data inspect on folders that are not datasets: one line naming the folder or file', { timeout: 120_000 }, async () => {
  const root = folder();
  try {
    writeFileSync(join(root, 'afile'), 'x');
    mkdirSync(join(root, 'empty'));
    const garbage = join(root, 'garbage');
    for (const split of ['train', 'test']) {
      mkdirSync(join(garbage, split), { recursive: true });
      writeFileSync(join(garbage, split, 'dataset.json'), JSON.stringify({ seq_len: 4, vocab_size: 5, pad_id: 0, ignore_label_id: 0, blank_identifier_id: 0, num_puzzle_identifiers: 1, total_groups: 1, mean_puzzle_examples: 1, total_puzzles: 1, sets: ['all'] }));
      for (const field of ['inputs', 'labels', 'puzzle_identifiers', 'puzzle_indices', 'group_indices']) writeFileSync(join(garbage, split, `all__${field}.npy`), 'garbage, not an array');
    }
    writeFileSync(join(garbage, 'identifiers.json'), '["<blank>"]');
    await expectOneLineEach(([
      ['a missing folder', join(root, 'missing'), `dataset folder ${join(root, 'missing')} does not exist`],
      ['a file', join(root, 'afile'), `dataset folder ${join(root, 'afile')} is a file, not a folder`],
      ['an empty folder', join(root, 'empty'), `${join(root, 'empty')} is not a dataset in the official TRM layout`],
      ['garbage .npy files', garbage, `${join(garbage, 'train', 'all__puzzle_identifiers.npy')}: not a .npy file`],
    ] as const).map(([what, dir, mentions]) => [what, join(root, 'home'), ['data', 'inspect', dir], mentions] as const));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('trm eval and trm trace on crafted checkpoints: one line naming the checkpoint', { timeout: 240_000 }, async () => {
  const home = folder();
  try {
    const trained = await trm(['train', ...TINY, '--set', 'train.checkpointInterval=2', '--set', 'train.evalInterval=2', '--set', 'train.evalExamples=8'], home);
    assert.equal(trained.status, 0, trained.stderr);
    const path = join(home, 'runs', '1', 'checkpoints', 'step_2.trmckpt');
    const original = readFileSync(path);
    const headerLength = original.readUInt32LE(8);
    const header = JSON.parse(original.toString('utf8', 12, 12 + headerLength));
    const body = original.subarray(12 + headerLength);
    /** The checkpoint with a rewritten header (its checksum still matches the body). */
    const withHeader = (edit: (h: typeof header) => unknown) => {
      const json = Buffer.from(JSON.stringify(edit(structuredClone(header))));
      const prefix = Buffer.alloc(12);
      prefix.write('TRMCKPT1');
      prefix.writeUInt32LE(json.length, 8);
      return Buffer.concat([prefix, json, body]);
    };
    const tensor = (h: typeof header) => h.tensors.find((t: { dtype: string }) => t.dtype === 'float32');
    const cases: [string, Buffer | 'fifo' | 'folder', RegExp][] = [
      ['truncated', original.subarray(0, original.length - 100), /step_2\.trmckpt is truncated or corrupt/],
      ['cut inside the header', original.subarray(0, 40), /step_2\.trmckpt is truncated \(header\)/],
      ['wrong magic', Buffer.concat([Buffer.from('NOTMAGIC'), original.subarray(8)]), /step_2\.trmckpt is not a TRM checkpoint \(bad magic\)/],
      ['a header length of 4 GB', Buffer.concat([original.subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0xff]), original.subarray(12)]), /step_2\.trmckpt is truncated \(header\)/],
      ['a body of 10^15 bytes', withHeader((h) => ({ ...h, bodyBytes: 1e15 })), /step_2\.trmckpt is truncated or corrupt/],
      ['a tensor beyond the body', withHeader((h) => { tensor(h).offset = body.length + 1000; return h; }), /step_2\.trmckpt is corrupt \(tensor '.*' lies outside the body/],
      ['a negative offset', withHeader((h) => { tensor(h).offset = -8; return h; }), /step_2\.trmckpt is corrupt \(tensor '.*' has offset -8/],
      ['a byte length that is no whole float', withHeader((h) => { tensor(h).byteLength -= 1; return h; }), /step_2\.trmckpt is corrupt \(tensor '.*' has shape .* but \d+ bytes/],
      ['a shape that lies about its size', withHeader((h) => { tensor(h).shape = [999, 999]; return h; }), /step_2\.trmckpt is corrupt \(tensor '.*' has shape \[999, 999\]/],
      ['a huge shape', withHeader((h) => { tensor(h).shape = [1e9, 1e9]; return h; }), /step_2\.trmckpt is corrupt \(tensor '.*' has shape \[1000000000, 1000000000\]/],
      ['an unknown dtype', withHeader((h) => { tensor(h).dtype = 'complex128'; return h; }), /step_2\.trmckpt is corrupt \(tensor '.*' has dtype "complex128"/],
      ['no tensor list', withHeader((h) => ({ ...h, tensors: 'none' })), /step_2\.trmckpt is corrupt \(the header has no tensor list\)/],
      ['meta is null', withHeader((h) => ({ ...h, meta: null })), /step_2\.trmckpt is corrupt \(the header has no meta object\)/],
      ['the header is a list', withHeader(() => [1, 2, 3]), /step_2\.trmckpt is corrupt \(the header is not an object\)/],
      ['a folder', 'folder', /checkpoint .*step_2\.trmckpt is a folder, not a file/],
      ['a named pipe (read would block)', 'fifo', /checkpoint .*step_2\.trmckpt is a named pipe/],
    ];
    const puzzle = join(home, 'puzzle.txt');
    writeFileSync(puzzle, '1 . . .\n. . 2 .\n. 3 . .\n. . . 4\n');
    // One copy of the workspace per case (checkpoint paths are stored relative to it), its checkpoint replaced.
    const runs: [string, string, string[], RegExp][] = [];
    cases.forEach(([what, content, mentions], i) => {
      const copy = `${home}-case${i}`;
      cpSync(home, copy, { recursive: true });
      const replaced = join(copy, 'runs', '1', 'checkpoints', 'step_2.trmckpt');
      rmSync(replaced);
      if (content === 'folder') mkdirSync(replaced);
      else if (content === 'fifo') spawnSync('mkfifo', [replaced]);
      else writeFileSync(replaced, content);
      runs.push([`eval: ${what}`, copy, ['eval', '1'], mentions]);
      if (what === 'truncated' || what === 'a named pipe (read would block)') runs.push([`trace: ${what}`, copy, ['trace', '1', '--puzzle', puzzle], mentions]);
    });
    const pipe = join(home, 'puzzle.fifo');
    spawnSync('mkfifo', [pipe]);
    runs.push(['trace --puzzle a named pipe', home, ['trace', '1', '--puzzle', pipe], new RegExp(`--puzzle ${pipe} is a named pipe`)]);
    try {
      await expectOneLineEach(runs);
    } finally {
      cases.forEach((_, i) => rmSync(`${home}-case${i}`, { recursive: true, force: true }));
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('trm train on a custom ARC folder: every skipped file is printed with its problem; nothing usable is one line', { timeout: 180_000 }, async () => {
  const root = folder();
  try {
    const good = { train: [{ input: [[1, 0], [0, 1]], output: [[0, 1], [1, 0]] }], test: [{ input: [[1, 1], [0, 0]], output: [[0, 0], [1, 1]] }] };
    const badFiles = (dir: string) => {
      mkdirSync(dir);
      writeFileSync(join(dir, 'broken.json'), '{ not json');
      writeFileSync(join(dir, 'no-train.json'), JSON.stringify({ train: [], test: good.test }));
      writeFileSync(join(dir, 'bad-colour.json'), JSON.stringify({ ...good, train: [{ input: [[11]], output: [[1]] }] }));
      return dir;
    };
    const mixed = badFiles(join(root, 'mixed'));
    writeFileSync(join(mixed, 'good.json'), JSON.stringify(good));
    const allBad = badFiles(join(root, 'all-bad'));
    const noTest = join(root, 'no-test');
    mkdirSync(noTest);
    writeFileSync(join(noTest, 'task.json'), JSON.stringify({ ...good, test: [] }));
    const piped = join(root, 'piped');
    mkdirSync(piped);
    spawnSync('mkfifo', [join(piped, 'task.json')]);
    const arc = (tasks: string) => ['train', '--preset', 'arc-mini-att', '--max-steps', '1', '--set', `data.tasks=${tasks}`, '--set', 'data.subsets=', '--set', 'data.testSet=custom', '--set', 'data.augmentations=0', '--set', 'train.evalExamples=4'];
    const home = join(root, 'home');

    const trained = await trm(arc(mixed), home);
    assert.equal(trained.status, 0, trained.stderr);
    const warnings = trained.stderr.split('\n').filter((line) => line.startsWith('trm: warning: skipped '));
    assert.deepEqual(warnings.map((w) => /skipped (.*?\.json):/.exec(w)?.[1]).sort(), ['bad-colour.json', 'broken.json', 'no-train.json'].map((f) => join(mixed, f)), trained.stderr);
    assert.ok(warnings.some((w) => /bad-colour\.json: train\[0\]\.input: cell \(0, 0\) is number 11/.test(w)), trained.stderr);

    await expectOneLineEach([
      ['all files invalid', home, arc(allBad), new RegExp(['bad-colour', 'broken', 'no-train'].map((f) => `${join(allBad, f)}\\.json: .*`).join(''))],
      ['a path that does not exist', home, arc(join(root, 'nowhere')), `${join(root, 'nowhere')}: does not exist`],
      ['a task with "test": []', home, arc(noTest), `${join(noTest, 'task.json')}: test: has no pairs`],
      ['a named pipe as a task file (read would block)', home, arc(piped), `${join(piped, 'task.json')}: is a named pipe`],
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
