// `node --import tsx bench/kill-soak.ts [--kills 25] [--seed 1]`: SIGKILLs `trm train`/`trm resume` at seeded random
// moments (start-up, training, evaluation, checkpoint writes, resume) until the run has been killed --kills times,
// then lets it finish, and compares it with the same run trained without interruption. Prints JSON. Not a test (it
// takes minutes); the README quotes its figures. After every kill it checks the database (integrity, run status,
// checkpoint rows whose files exist); at the end, every metric series and evaluation must equal the uninterrupted
// run's: same steps, same values (resume is exact), nothing lost or duplicated.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Rng } from '../main/common/rng.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? fallback) || fallback;
const KILLS = args.includes('--kills') ? flag('kills', 25) : 25;
const rng = new Rng(args.includes('--seed') ? flag('seed', 1) : 1);
const TRM = join(import.meta.dirname, '..', 'bin', 'trm.mjs');
const OVERRIDES = ['model.hiddenSize=16', 'model.numHeads=2', 'model.puzzleEmbDim=16', 'train.batchSize=8', 'train.evalInterval=50', 'train.evalExamples=16', 'train.checkpointInterval=20', 'data.testExamples=16', 'train.threads=1'];
const MAX_STEPS = 3000;
const log = (message: string) => console.error(`[kill-soak] ${message}`);

function trm(home: string, argv: string[]): ReturnType<typeof spawn> {
  return spawn(process.execPath, [TRM, ...argv], { env: { ...process.env, TRM_HOME: home }, stdio: 'ignore' });
}
const trainArgs = ['train', '--preset', 'sudoku4-mlp', '--max-steps', String(MAX_STEPS), ...OVERRIDES.flatMap((o) => ['--set', o])];

/** Every metric series and evaluation of run 1, for comparison. */
function contents(home: string): { series: Map<string, Map<number, number | null>>; evaluations: string[]; status: string; step: number; error: string | null } | null {
  if (!existsSync(join(home, 'trm.sqlite'))) return null;
  const db = new Database(join(home, 'trm.sqlite'), { readonly: true });
  try {
    // Killed before the first migration ran: no tables yet, the same as no run.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runs'").get()) return null;
    const series = new Map<string, Map<number, number | null>>();
    for (const row of db.prepare('SELECT key, step, value FROM metrics WHERE run_id = 1 ORDER BY key, step').all() as { key: string; step: number; value: number | null }[]) {
      if (!series.has(row.key)) series.set(row.key, new Map());
      series.get(row.key)!.set(row.step, row.value);
    }
    const evaluations = (db.prepare('SELECT checkpoint_step, metrics_json FROM evaluations WHERE run_id = 1 ORDER BY checkpoint_step, id').all() as { checkpoint_step: number; metrics_json: string }[])
      .map((e) => `${e.checkpoint_step}:${e.metrics_json}`);
    const run = db.prepare('SELECT status, step, error FROM runs WHERE id = 1').get() as { status: string; step: number; error: string | null } | undefined;
    if (!run) return null;
    return { series, evaluations, status: run.status, step: run.step, error: run.error };
  } finally {
    db.close();
  }
}

/** What must hold after any kill: a sound database, and checkpoint rows whose files exist. */
function consistencyProblems(home: string): string[] {
  const problems: string[] = [];
  if (!existsSync(join(home, 'trm.sqlite'))) return [];
  const db = new Database(join(home, 'trm.sqlite'), { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    for (const row of db.prepare('SELECT step, path FROM checkpoints WHERE run_id = 1').all() as { step: number; path: string }[]) {
      const path = row.path.startsWith('/') ? row.path : join(home, row.path);
      if (!existsSync(path)) problems.push(`checkpoint step_${row.step}: file missing (${row.path})`);
    }
  } finally {
    db.close();
  }
  return problems;
}

async function main(): Promise<void> {
  const reference = mkdtempSync(join(tmpdir(), 'trm-soak-ref-'));
  const soaked = mkdtempSync(join(tmpdir(), 'trm-soak-'));
  try {
    log('reference run (no kills)');
    const ref = spawnSync(process.execPath, [TRM, ...trainArgs], { env: { ...process.env, TRM_HOME: reference }, stdio: 'ignore' });
    if (ref.status !== 0) throw new Error(`reference run exited ${ref.status}`);
    const expected = contents(reference)!;

    const stepsAtKill: number[] = [];
    const problems: string[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      // Until the run exists (a kill during start-up can come before it is created), start it again.
      const child = trm(soaked, contents(soaked) ? ['resume', '1'] : trainArgs);
      const delayMs = 200 + rng.next() * 3300; // start-up takes ≈1.5–2 s here: about half the kills land in it
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const finishedFirst = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), delayMs))]);
      if (finishedFirst) {
        const now = contents(soaked);
        log(`kill ${kill}: the process ended before the kill (${delayMs.toFixed(0)} ms): exit ${child.exitCode}, run ${now?.status} at step ${now?.step}${now?.error ? `: ${now.error}` : ''}`);
        if (now?.status === 'finished') break;
        if (now?.status === 'failed') { problems.push(`the run failed: ${now.error}`); break; }
        continue;
      }
      child.kill('SIGKILL');
      await exited;
      const now = contents(soaked);
      stepsAtKill.push(now?.step ?? -1);
      for (const problem of consistencyProblems(soaked)) problems.push(`after kill ${kill}: ${problem}`);
      const leftovers = existsSync(join(soaked, 'runs', '1', 'checkpoints')) ? readdirSync(join(soaked, 'runs', '1', 'checkpoints')).filter((f) => f.includes('.tmp-')).length : 0;
      log(`kill ${kill} at ${delayMs.toFixed(0)} ms: step ${now?.step ?? '(no run yet)'}, status ${now?.status ?? '-'}${leftovers ? `, ${leftovers} temporary file(s)` : ''}`);
    }
    if (contents(soaked)?.status !== 'finished') {
      const finish = spawnSync(process.execPath, [TRM, 'resume', '1'], { env: { ...process.env, TRM_HOME: soaked }, encoding: 'utf8' });
      if (finish.status !== 0) problems.push(`final resume exited ${finish.status}: ${finish.stderr.trim().split('\n').at(-1)}`);
    }
    const actual = contents(soaked)!;
    if (actual.status !== 'finished' || actual.step !== MAX_STEPS) problems.push(`ended ${actual.status} at step ${actual.step}${actual.error ? `: ${actual.error}` : ''}`);
    // Wall-clock metrics differ from run to run by nature; everything else must be equal.
    const timed = (key: string) => /per_second|seconds|_ms$|wall/.test(key);
    for (const [key, steps] of expected.series) {
      if (timed(key)) continue;
      const got = actual.series.get(key);
      if (!got) { problems.push(`${key}: missing`); continue; }
      const missing = [...steps.keys()].filter((s) => !got.has(s));
      const extra = [...got.keys()].filter((s) => !steps.has(s));
      const different = [...steps].filter(([s, v]) => got.has(s) && !(v === got.get(s) || (v !== null && Math.abs(v - got.get(s)!) <= 1e-6 * Math.max(1, Math.abs(v)))));
      if (missing.length || extra.length || different.length) problems.push(`${key}: ${missing.length} steps lost, ${extra.length} extra, ${different.length} different values`);
    }
    if (JSON.stringify(actual.evaluations.map((e) => e.split(':')[0])) !== JSON.stringify(expected.evaluations.map((e) => e.split(':')[0]))) {
      problems.push(`evaluations at steps ${actual.evaluations.map((e) => e.split(':')[0])} instead of ${expected.evaluations.map((e) => e.split(':')[0])}`);
    }
    const leftovers = readdirSync(join(soaked, 'runs', '1', 'checkpoints')).filter((f) => f.includes('.tmp-')).length;
    console.log(JSON.stringify({
      date: new Date().toISOString(), kills: stepsAtKill.length, stepsAtKill, maxSteps: MAX_STEPS,
      metricKeys: expected.series.size, metricRows: [...expected.series.values()].reduce((n, s) => n + s.size, 0),
      evaluations: actual.evaluations.length, temporaryFilesLeft: leftovers, problems,
    }, null, 2));
  } finally {
    rmSync(reference, { recursive: true, force: true });
    rmSync(soaked, { recursive: true, force: true });
  }
}

await main();
