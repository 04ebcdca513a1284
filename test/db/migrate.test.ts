import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, schemaVersion } from '../../db/index.ts';
import { loadMigrations, migrate } from '../../db/migrate.ts';
import { temporaryFolder } from './fixtures.ts';

test('an empty database is migrated to the latest version, and re-opening applies nothing', () => {
  const path = join(temporaryFolder(), 'nested', 'folder', 'trm.sqlite');
  const latest = loadMigrations().at(-1)!.version;
  const db = openDatabase(path);
  assert.equal(schemaVersion(db.sqlite), latest);
  const tables = (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
  for (const table of ['runs', 'metrics', 'metric_summaries', 'checkpoints', 'checkpoint_aliases', 'evaluations', 'evaluation_puzzles', 'settings', 'queued_jobs']) {
    assert.ok(tables.includes(table), `missing table ${table}`);
  }
  assert.equal(db.sqlite.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.sqlite.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.sqlite.pragma('busy_timeout', { simple: true }), 5000);
  assert.equal(db.sqlite.pragma('synchronous', { simple: true }), 1); // NORMAL
  db.close();

  const reopened = openDatabase(path);
  assert.deepEqual(migrate(reopened.sqlite), []);
  const recorded = reopened.sqlite.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
  assert.deepEqual(recorded, loadMigrations().map(({ version, name }) => ({ version, name })));
  reopened.close();
});

test('migrations are applied in number order, each in its own transaction', () => {
  const folder = temporaryFolder();
  const migrationsDir = join(folder, 'migrations');
  mkdirSync(migrationsDir);
  writeFileSync(join(migrationsDir, '0002-add-b.sql'), 'ALTER TABLE a ADD COLUMN b TEXT;');
  writeFileSync(join(migrationsDir, '0001-create-a.sql'), 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
  writeFileSync(join(migrationsDir, '0003-broken.sql'), 'CREATE TABLE c (id INTEGER); SELECT * FROM no_such_table;');
  writeFileSync(join(migrationsDir, 'README.md'), 'not a migration');
  const sqlite = new Database(join(folder, 'test.sqlite'));
  assert.throws(() => migrate(sqlite, loadMigrations(migrationsDir)), /no_such_table/);
  assert.equal(schemaVersion(sqlite), 2);
  // The failed migration left nothing behind.
  assert.equal(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'c'").pluck().get(), 0);
  sqlite.close();
});

test('0007: absolute checkpoint paths in the trainer\'s layout become relative to the workspace, wherever it was', () => {
  const folder = temporaryFolder();
  const path = join(folder, 'moved', 'trm.sqlite');
  mkdirSync(join(folder, 'moved'));
  const sqlite = new Database(path);
  migrate(sqlite, loadMigrations().slice(0, 6));
  sqlite.prepare(`INSERT INTO runs (id, name, preset, config_json, backend, backend_version, app_version, dataset_fingerprint, total_steps, created_at, updated_at)
    VALUES (3, 'r', 'p', '{}', 'cpu', '', '', '', 10, 0, 0)`).run();
  const insert = sqlite.prepare('INSERT INTO checkpoints (run_id, step, path, bytes, created_at) VALUES (3, ?, ?, 1, 0)');
  insert.run(1, '/home/ada/.config/TRM Workbench/runs/3/checkpoints/step_1.trmckpt'); // where the workspace was
  insert.run(2, 'C:\\Users\\ada\\AppData\\Roaming\\TRM Workbench\\runs\\3\\checkpoints\\step_2.trmckpt');
  insert.run(3, '/data/shared/step_3.trmckpt'); // not the trainer's layout: left as it is
  insert.run(4, '/home/ada/runs/9/checkpoints/step_4.trmckpt'); // another run's folder: left as it is
  sqlite.close();

  const db = openDatabase(path);
  try {
    assert.deepEqual(db.sqlite.prepare('SELECT path FROM checkpoints ORDER BY step').pluck().all(), [
      'runs/3/checkpoints/step_1.trmckpt', 'runs/3/checkpoints/step_2.trmckpt', '/data/shared/step_3.trmckpt', '/home/ada/runs/9/checkpoints/step_4.trmckpt',
    ]);
    assert.deepEqual(db.listCheckpoints(3).slice(0, 2).map((c) => c.path), [1, 2].map((step) => join(folder, 'moved', 'runs', '3', 'checkpoints', `step_${step}.trmckpt`)));
  } finally {
    db.close();
  }
});

test('gaps in migration numbers are refused', () => {
  const migrationsDir = join(temporaryFolder(), 'migrations');
  mkdirSync(migrationsDir);
  writeFileSync(join(migrationsDir, '0001-a.sql'), 'SELECT 1;');
  writeFileSync(join(migrationsDir, '0003-c.sql'), 'SELECT 1;');
  assert.throws(() => loadMigrations(migrationsDir), /without gaps/);
});

test('a database newer than the code is refused with a clear message', () => {
  const path = join(temporaryFolder(), 'trm.sqlite');
  openDatabase(path).close();
  const sqlite = new Database(path);
  sqlite.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
  sqlite.close();
  assert.throws(() => openDatabase(path), /schema version 999, newer than/);
});

test('an unwritable workspace gives an error naming the path', () => {
  const folder = temporaryFolder();
  const notAFolder = join(folder, 'file');
  writeFileSync(notAFolder, 'x'); // a file where a folder is needed fails even for root, unlike chmod
  const path = join(notAFolder, 'workspace', 'trm.sqlite');
  assert.throws(() => openDatabase(path), (error: Error) => error.message.startsWith(`Cannot open the experiment database at ${path}:`));
});

test('the default path is trm.sqlite in the workspace folder (TRM_HOME)', () => {
  const folder = temporaryFolder();
  const previous = process.env.TRM_HOME;
  process.env.TRM_HOME = join(folder, 'home');
  try {
    const db = openDatabase();
    assert.equal(db.path, join(folder, 'home', 'trm.sqlite'));
    db.close();
  } finally {
    if (previous === undefined) delete process.env.TRM_HOME; else process.env.TRM_HOME = previous;
  }
});
