// One run: status and live progress, stop/resume, live charts, checkpoints (evaluate any), evaluation results,
// editable name, tags, colour and notes, and the full config it was created with.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CheckpointInfo, EvaluationInfo, JobInfo, RunSummaryInfo } from '../../preload/contract.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { formatBytes, formatDateTime, formatDuration, formatEpoch, formatMetric } from '../common/format.ts';
import { Markdown } from '../common/Markdown.tsx';
import { RUN_COLOURS, runColour } from '../common/palette.ts';
import { navigate, useApi, useWorkbenchEvents } from '../app/workbench.tsx';
import { RunCharts } from './charts/RunCharts.tsx';
import { RunLog } from './RunLog.tsx';
import type { LiveRuns } from './live-runs.ts';
import { RunProgress, RunStatusBadge } from './RunStatusBadge.tsx';

const RESUMABLE = new Set(['stopped', 'interrupted', 'failed']);
const STOPPABLE = new Set(['queued', 'running']);
/** Job states of an evaluation still under way. */
const EVALUATION_ACTIVE = new Set(['queued', 'running', 'stopping']);

export function RunPage({ runId, live }: { runId: number; live: LiveRuns }) {
  const api = useApi();
  const [run, setRun] = useState<RunSummaryInfo | null>(null);
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[]>([]);
  const [evaluations, setEvaluations] = useState<EvaluationInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  // This run's evaluation jobs this session, by job id: shown while under way, and a failure until the next one.
  const [evaluationJobs, setEvaluationJobs] = useState<ReadonlyMap<number, JobInfo>>(new Map());
  // Bumped by each job change on this run, so the log reads what a job wrote as it started or ended.
  const [jobVersion, setJobVersion] = useState(0);
  const noteJob = useCallback((job: JobInfo) => {
    if (job.runId !== runId) return;
    setJobVersion((version) => version + 1);
    if (job.kind !== 'evaluate') return;
    setEvaluationJobs((previous) => new Map(previous).set(job.jobId, job));
  }, [runId]);
  useEffect(() => {
    api.jobs.list().then((jobs) => jobs.forEach(noteJob), () => {}); // the page works without it; run errors show below
  }, [api, noteJob]);

  const reload = useCallback(() => {
    const report = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
    api.runs.get({ runId }).then(setRun, report);
    api.checkpoints.list({ runId }).then(setCheckpoints, report);
    api.evaluations.list({ runId }).then(setEvaluations, report);
  }, [api, runId]);
  useEffect(reload, [reload]);

  useWorkbenchEvents((event) => {
    if (event.type === 'app-error') return;
    const about = event.type === 'job' ? event.job.runId : event.event.runId;
    if (about !== runId) return;
    if (event.type === 'job') noteJob(event.job);
    if (event.type === 'job' || !['progress', 'metric'].includes(event.event.type)) reload();
  });

  async function act(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      reload();
      live.refresh();
    }
  }
  const update = (change: { name?: string; tags?: string[]; notes?: string; color?: string | null; archived?: boolean }) =>
    act(() => api.runs.update({ runId, ...change }));

  if (!run) {
    return <div className="page">{error ? <div className="error-banner" role="alert">{error}</div> : <p className="muted">Loading run…</p>}</div>;
  }
  const progress = run.status === 'running' ? live.progress.get(runId) : undefined;
  // Runs on a fixed training set log train/epoch; the live progress event carries it between reloads.
  const epoch = progress?.epoch ?? run.metrics['train/epoch']?.lastValue;

  return (
    <div className="page run-page" data-run-id={run.id} data-status={run.status}>
      <header className="page-header">
        <h1>
          <a href="#/runs" className="crumb">Runs</a> /{' '}
          <span className="swatch large" style={{ background: runColour(run.id, run.color) }} />
          <EditableText value={run.name} label="Run name" onSave={(name) => update({ name })} />
          <span className="muted"> #{run.id}</span>
        </h1>
        <div className="button-row">
          {STOPPABLE.has(run.status) && <button disabled={busy} onClick={() => act(() => api.runs.stop({ runId }))}>Stop</button>}
          {RESUMABLE.has(run.status) && <button className="primary" disabled={busy} onClick={() => act(() => api.runs.resume({ runId }))}>Resume</button>}
          <button disabled={busy} onClick={() => update({ archived: !run.archived })}>{run.archived ? 'Unarchive' : 'Archive'}</button>
          <button className="danger" disabled={busy || STOPPABLE.has(run.status)} title={STOPPABLE.has(run.status) ? 'Stop the run first' : undefined}
            onClick={() => setConfirmingDelete(true)}>Delete…</button>
        </div>
      </header>

      <div className="run-summary-bar">
        <RunStatusBadge status={run.status} />
        <RunProgress step={run.step} totalSteps={run.totalSteps} live={progress} />
        {epoch !== undefined && <span className="muted run-epoch" title="Examples seen / training-set size">epoch <strong>{formatEpoch(epoch)}</strong></span>}
        <span className="muted">backend <strong>{run.backend || '—'}</strong>{run.backendVersion ? ` ${run.backendVersion}` : ''}{run.backendDevice ? ` on ${run.backendDevice}` : ''}{threadsUsed(run.config) > 1 ? `, ${threadsUsed(run.config)} threads` : ''}</span>
        <span className="muted">preset <strong>{run.preset}</strong></span>
        {run.startedAt && <span className="muted run-running-time" title="Time spent training, over all sessions (not the time it sat stopped)">running time {formatDuration(runningTimeMs(run))}</span>}
        {run.parentRunId && <a href={`#/runs/${run.parentRunId}`}>parent #{run.parentRunId}</a>}
      </div>
      {run.status === 'failed' && run.error && (
        <div className="error-banner" role="alert"><strong>Run failed:</strong> {run.error}</div>
      )}
      {error && <div className="error-banner" role="alert">{error}</div>}

      <RunCharts runId={run.id} />

      <div className="two-columns">
        <section className="panel">
          <h2>Checkpoints</h2>
          <CheckpointsTable checkpoints={checkpoints} busy={busy}
            onEvaluate={(step) => act(async () => noteJob(await api.evaluations.start({ runId, checkpoint: `step_${step}` })))} />
          <h2>Evaluations</h2>
          <EvaluationJobs jobs={[...evaluationJobs.values()]} />
          <EvaluationsTable evaluations={evaluations} />
          <div className="button-row step-viewer-links">
            <a href={`#/viewer?run=${run.id}`}>Trace a puzzle…</a>
            {evaluations.length > 0 && <a href={`#/viewer?run=${run.id}&dataset=latest`}>Dataset view (step viewer)</a>}
          </div>
        </section>
        <section className="panel">
          <h2>Notes and labels</h2>
          <RunLabels run={run} onUpdate={update} />
        </section>
      </div>

      <RunLog runId={run.id} version={jobVersion}
        live={STOPPABLE.has(run.status) || [...evaluationJobs.values()].some((job) => EVALUATION_ACTIVE.has(job.state))} />

      <section className="panel">
        <h2>Configuration</h2>
        <ConfigTable config={run.config} />
      </section>

      {confirmingDelete && (
        <ConfirmDialog title={`Delete run “${run.name}”?`} message="Its metrics, checkpoints and evaluations are removed. This cannot be undone."
          confirmLabel="Delete" onCancel={() => setConfirmingDelete(false)}
          onConfirm={() => act(async () => { setConfirmingDelete(false); await api.runs.delete({ runId }); navigate('#/runs'); })} />
      )}
    </div>
  );
}

function CheckpointsTable({ checkpoints, busy, onEvaluate }: { checkpoints: CheckpointInfo[]; busy: boolean; onEvaluate: (step: number) => void }) {
  if (checkpoints.length === 0) return <p className="muted small">No checkpoints yet.</p>;
  return (
    <table className="data-table compact checkpoints">
      <thead><tr><th className="num">Step</th><th>Aliases</th><th className="num">eval exact acc.</th><th className="num">Size</th><th>Saved</th><th /></tr></thead>
      <tbody>
        {[...checkpoints].sort((a, b) => b.step - a.step).map((c) => (
          <tr key={c.step}>
            <td className="num">{c.step}</td>
            <td>{c.aliases.map((alias) => <span key={alias} className={`tag alias-${alias}`}>{alias}</span>)}</td>
            <td className="num">{formatMetric(numberOrNull(c.metrics['eval/exact_accuracy']))}</td>
            <td className="num">{formatBytes(c.bytes)}</td>
            <td>{formatDateTime(c.createdAt)}</td>
            <td><button className="small" disabled={busy} onClick={() => onEvaluate(c.step)}>Evaluate</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Evaluations under way ("Evaluating step_20… (running)") and the last one's failure, if it failed. */
function EvaluationJobs({ jobs }: { jobs: JobInfo[] }) {
  const active = jobs.filter((job) => EVALUATION_ACTIVE.has(job.state));
  const last = jobs.reduce<JobInfo | undefined>((latest, job) => (!latest || job.jobId > latest.jobId ? job : latest), undefined);
  const failed = last && !EVALUATION_ACTIVE.has(last.state) && last.state !== 'finished' ? last : undefined;
  if (active.length === 0 && !failed) return null;
  return (
    <div className="evaluation-jobs" aria-live="polite">
      {active.map((job) => (
        <p key={job.jobId} className="small">Evaluating {job.checkpoint ?? 'the best checkpoint'}… ({job.state})</p>
      ))}
      {failed && <p className="small evaluation-failed" role="alert">Evaluation of {failed.checkpoint ?? 'the best checkpoint'} {failed.state}{failed.error ? `: ${failed.error}` : ''}</p>}
    </div>
  );
}

function EvaluationsTable({ evaluations }: { evaluations: EvaluationInfo[] }) {
  if (evaluations.length === 0) return <p className="muted small">No evaluations yet.</p>;
  const metricKeys = [...new Set(evaluations.flatMap((e) => Object.keys(e.metrics)))].filter((k) => typeof evaluations[0].metrics[k] !== 'object').sort();
  return (
    <div className="table-scroll">
      <table className="data-table compact evaluations">
        <thead><tr><th>Evaluated</th><th className="num">Checkpoint</th><th>Split</th><th className="num">Correct</th>{metricKeys.map((k) => <th key={k} className="num">{k}</th>)}</tr></thead>
        <tbody>
          {[...evaluations].sort((a, b) => b.checkpointStep - a.checkpointStep || b.id - a.id).map((e) => (
            <tr key={e.id}>
              <td className="evaluated-at" title={new Date(e.createdAt).toLocaleString()}>{formatDateTime(e.createdAt, { seconds: true })}</td>
              <td className="num">{e.checkpointStep}</td>
              <td>{e.split}</td>
              <td className="num">{e.correctCount}/{e.puzzleCount}</td>
              {metricKeys.map((k) => <td key={k} className="num">{formatMetric(numberOrNull(e.metrics[k]))}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunLabels({ run, onUpdate }: { run: RunSummaryInfo; onUpdate: (change: { tags?: string[]; notes?: string; color?: string | null }) => void }) {
  const [tagDraft, setTagDraft] = useState('');
  const [editingNotes, setEditingNotes] = useState(false);
  const [notesDraft, setNotesDraft] = useState(run.notes);
  const addTag = () => {
    const tag = tagDraft.trim();
    if (tag && !run.tags.includes(tag)) onUpdate({ tags: [...run.tags, tag] });
    setTagDraft('');
  };
  return (
    <div className="run-labels">
      <div className="label-row">
        <span className="label">Tags</span>
        <span className="tags">
          {run.tags.map((tag) => (
            <span key={tag} className="tag removable">{tag}
              <button aria-label={`Remove tag ${tag}`} onClick={() => onUpdate({ tags: run.tags.filter((t) => t !== tag) })}>×</button>
            </span>
          ))}
          <input className="tag-input" aria-label="Add tag" placeholder="add tag…" value={tagDraft}
            onChange={(e) => setTagDraft(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') addTag(); }} onBlur={addTag} />
        </span>
      </div>
      <div className="label-row">
        <span className="label">Colour</span>
        <span className="colour-choices" role="radiogroup" aria-label="Run colour">
          {RUN_COLOURS.map((colour) => (
            <button key={colour} role="radio" aria-checked={runColour(run.id, run.color) === colour} aria-label={colour}
              className={`colour-choice ${runColour(run.id, run.color) === colour ? 'on' : ''}`} style={{ background: colour }}
              onClick={() => onUpdate({ color: colour })} />
          ))}
          {run.color && <button className="link small" onClick={() => onUpdate({ color: null })}>automatic</button>}
        </span>
      </div>
      <div className="label-row notes">
        <span className="label">Notes</span>
        {editingNotes ? (
          <div className="notes-editor">
            <textarea aria-label="Notes (Markdown)" rows={8} value={notesDraft} onChange={(e) => setNotesDraft(e.target.value)} />
            <div className="button-row">
              <button className="primary small" onClick={() => { onUpdate({ notes: notesDraft }); setEditingNotes(false); }}>Save notes</button>
              <button className="small" onClick={() => { setNotesDraft(run.notes); setEditingNotes(false); }}>Cancel</button>
              <span className="muted small">Markdown: **bold**, *italic*, `code`, lists, [links](https://…)</span>
            </div>
          </div>
        ) : (
          <div className="notes-view">
            {run.notes ? <Markdown source={run.notes} /> : <span className="muted">No notes.</span>}
            <button className="small" onClick={() => { setNotesDraft(run.notes); setEditingNotes(true); }}>Edit notes</button>
          </div>
        )}
      </div>
    </div>
  );
}

/** Click to edit; Enter or blur saves, Escape cancels. */
function EditableText({ value, label, onSave }: { value: string; label: string; onSave: (value: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return <button className="editable" title="Rename" aria-label={`${label}: ${value} (click to rename)`} onClick={() => setDraft(value)}>{value}</button>;
  }
  const save = () => {
    const next = draft.trim();
    setDraft(null);
    if (next && next !== value) onSave(next);
  };
  return (
    <input className="editable-input" aria-label={label} autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={save}
      onKeyDown={(e) => { if (e.key === 'Enter') save(); if (e.key === 'Escape') setDraft(null); }} />
  );
}

/** One table per config section (model, train, data); top-level scalars (e.g. the requested backend) go in "run". */
function ConfigTable({ config }: { config: Record<string, unknown> }) {
  const isSection = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const sections = Object.entries(config).filter(([, value]) => isSection(value)) as [string, Record<string, unknown>][];
  const scalars = Object.entries(config).filter(([, value]) => !isSection(value));
  if (scalars.length > 0) sections.push(['run', Object.fromEntries(scalars)]);
  return (
    <div className="config-columns">
      {sections.map(([section, fields]) => (
        <table key={section} className="data-table compact config-table">
          <thead><tr><th colSpan={2}>{section}</th></tr></thead>
          <tbody>
            {Object.entries(fields).map(([key, value]) => (
              <tr key={key}><td>{key}</td><td className="mono">{formatConfigValue(value)}</td></tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

function formatConfigValue(value: unknown): ReactNode {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** A live run's figure was written at its last flush (updatedAt); the time since is training too. */
function runningTimeMs(run: RunSummaryInfo): number {
  return run.activeMs + (run.status === 'running' ? Math.max(0, Date.now() - run.updatedAt) : 0);
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** Threads the run's last training used (the trainer stores them beside the config; absent before they existed). */
function threadsUsed(config: Record<string, unknown>): number {
  return numberOrNull(config.threads) ?? 1;
}
