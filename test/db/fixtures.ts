// Shared by the db tests: a database in a fresh temporary folder and a valid run to insert.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openDatabase, type NewRun, type TrmDb } from '../../db/index.ts';

/** A fresh folder, removed when the test file finishes. */
export function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'trm-db-test-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** A migrated database in a fresh folder, closed when the test file finishes. */
export function temporaryDatabase(): TrmDb {
  const db = openDatabase(join(temporaryFolder(), 'trm.sqlite'));
  after(() => { if (db.sqlite.open) db.close(); });
  return db;
}

export function sampleRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    name: 'sudoku baseline', preset: 'sudoku6-mlp', config: { hiddenSize: 64, lr: 1e-3 }, backend: 'cpu',
    backendVersion: '4.22.0', appVersion: '0.1.0', datasetFingerprint: 'sha256:abc', totalSteps: 1000, ...overrides,
  };
}
