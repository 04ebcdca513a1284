// The new-run form: pick a preset, adjust any config field (each shows its default and a one-line explanation),
// pick a backend and an optional time limit in minutes, see the parameter count, memory and duration estimates,
// start. The backend validates every change (config.estimate) and again on create; its per-field errors appear
// next to the fields. Without a GPU the form starts on a CPU-scale preset.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, type BackendAvailabilityInfo, type ConfigFieldInfo, type EstimateInfo, type PresetInfo, type RunSummaryInfo } from '../../preload/contract.ts';
import { formatBytes, formatCount, formatDuration } from '../common/format.ts';
import { formatRoute, withQuery, type Route } from '../app/route.ts';
import { navigate, useApi } from '../app/workbench.tsx';
import { clientFieldError, fieldDisplayValue, changedOverrides } from './config-form.ts';
import { measuredStepTime, plannedDuration } from './duration-estimate.ts';

const BACKEND_LABELS: Record<BackendAvailabilityInfo['name'], string> = {
  tensorflow: 'Native TensorFlow (tfjs-node)', webgpu: 'WebGPU (Dawn)', wasm: 'WASM (SIMD)', cpu: 'Pure JS',
};
/** '' = automatic: the first available of tensorflow → webgpu (a hardware GPU) → wasm → cpu, chosen by the job. */
type Backend = BackendAvailabilityInfo['name'] | '';

const SECTION_TITLES = { model: 'Model', train: 'Training', data: 'Data' } as const;
const ESTIMATE_DELAY_MS = 250;

export function NewRunForm({ route, onCreated }: { route: Route; onCreated: () => void }) {
  const api = useApi();
  const [presets, setPresets] = useState<PresetInfo[] | null>(null);
  const [fields, setFields] = useState<ConfigFieldInfo[] | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [backend, setBackend] = useState<Backend>('');
  const [backends, setBackends] = useState<BackendAvailabilityInfo[] | null>(null);
  const [estimate, setEstimate] = useState<EstimateInfo | null>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  /** The time budget as typed: '' = none (train to maxSteps). */
  const [minutes, setMinutes] = useState('');
  /** Earlier runs, for a step time measured on this machine. */
  const [runs, setRuns] = useState<RunSummaryInfo[]>([]);
  const presetChosenForMachine = useRef(false);
  const presetName = route.query.get('preset') ?? '';
  // Field values given in the address as `o.<path>=<value>` (the puzzle library's "Train on this set" passes
  // data.tasks this way) start the form changed from the preset's defaults.
  const queryValuesKey = JSON.stringify([...route.query.entries()].filter(([key]) => key.startsWith('o.')));
  const preset = presets?.find((p) => p.name === presetName) ?? null;

  useEffect(() => {
    api.presets.list().then(setPresets, (e: unknown) => setFormError(String(e)));
    api.runs.list({ includeArchived: true }).then(setRuns, () => {}); // without them there is just no duration estimate
    api.app.backends().then((list) => {
      setBackends(list);
      api.app.info().then((info) => { if (list.some((b) => b.available && b.name === info.backend)) setBackend(info.backend as Backend); }, () => {});
    }, () => setBackends([]));
  }, [api]);

  // A new preset resets the fields to its values.
  useEffect(() => {
    setFields(null);
    setValues(Object.fromEntries((JSON.parse(queryValuesKey) as [string, string][]).map(([key, value]) => [key.slice(2), value])));
    setEstimate(null);
    setServerErrors({});
    if (!presetName) return;
    let cancelled = false;
    api.config.describe({ preset: presetName }).then(
      (described) => { if (!cancelled) setFields(described); },
      (e: unknown) => { if (!cancelled) setFormError(e instanceof Error ? e.message : String(e)); },
    );
    return () => { cancelled = true; };
  }, [api, presetName, queryValuesKey]);

  const clientErrors = useMemo(() => {
    const errors: Record<string, string> = {};
    for (const field of fields ?? []) {
      const problem = clientFieldError(field, values[field.path] ?? fieldDisplayValue(field));
      if (problem) errors[field.path] = problem;
    }
    return errors;
  }, [fields, values]);
  const overrides = useMemo(() => changedOverrides(fields ?? [], values), [fields, values]);
  const overridesKey = JSON.stringify(overrides);

  // Live server-side validation and size estimate, once the client-side checks pass.
  useEffect(() => {
    if (!fields || Object.keys(clientErrors).length > 0) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.config.estimate({ preset: presetName, overrides }).then(
        (result) => { if (!cancelled) { setEstimate(result); setServerErrors(result.errors); } },
        (e: unknown) => { if (!cancelled) setServerErrors(e instanceof ApiError ? e.fieldErrors : {}); },
      );
    }, ESTIMATE_DELAY_MS);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [api, fields, presetName, overridesKey]);

  // Without a GPU (no available webgpu adapter) a paper-scale preset would take days: start on a CPU-scale one.
  useEffect(() => {
    if (presetChosenForMachine.current || !presets || !backends) return;
    presetChosenForMachine.current = true;
    if (presetName || backends.some((b) => b.name === 'webgpu' && b.available)) return;
    const cpuPreset = presets.find((p) => p.scale === 'cpu');
    if (cpuPreset) choosePreset(cpuPreset.name);
  }, [presets, backends, presetName]);

  const minutesValue = minutes.trim() === '' ? null : Number(minutes);
  const minutesError = minutesValue !== null && !(Number.isFinite(minutesValue) && minutesValue > 0 && minutesValue <= 100_000) ? 'a number of minutes above 0' : null;
  const fieldNumber = (path: string): number => {
    const field = fields?.find((f) => f.path === path);
    return field ? Number(values[path] ?? fieldDisplayValue(field)) : NaN;
  };
  const stepTime = preset && fields ? measuredStepTime(runs, preset.name, fieldNumber('train.batchSize')) : null;
  // A step time measured on another model size is only a rough guide: say so.
  const measuredModel = (runs.find((run) => run.id === stepTime?.runId)?.config.model ?? {}) as Record<string, unknown>;
  const sameModel = (fields ?? []).filter((f) => f.section === 'model').every((f) => String(measuredModel[f.path.split('.')[1]]) === (values[f.path] ?? fieldDisplayValue(f)));

  const errorFor = (path: string): string | undefined => clientErrors[path] ?? serverErrors[path];
  const hasErrors = Object.keys(clientErrors).length > 0 || Object.keys(serverErrors).length > 0 || minutesError !== null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!preset || hasErrors) return;
    setSubmitting(true);
    setFormError(null);
    try {
      const tagList = tags.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
      const { runId } = await api.runs.create({ preset: preset.name, overrides, ...(backend ? { backend } : {}), tags: tagList, ...(name.trim() ? { name: name.trim() } : {}), ...(minutesValue !== null ? { minutes: minutesValue } : {}) });
      onCreated();
      navigate(formatRoute(['runs', runId]));
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length > 0) setServerErrors(error.fieldErrors);
      setFormError(error instanceof Error ? error.message : String(error));
    } finally {
      setSubmitting(false);
    }
  }

  const choosePreset = (name: string) => navigate(formatRoute(['runs', 'new'], withQuery(route, { preset: name })), { replace: true });
  const unmatchedErrors = Object.entries(serverErrors).filter(([path]) => !fields?.some((f) => f.path === path));

  return (
    <form className="page new-run" onSubmit={submit} noValidate>
      <header className="page-header">
        <h1><a href="#/runs" className="crumb">Runs</a> / New run</h1>
      </header>

      <section className="panel">
        <h2>1. Preset</h2>
        {!presets && <p className="muted">Loading presets…</p>}
        <div className="preset-grid" role="radiogroup" aria-label="Preset">
          {presets?.map((p) => (
            <label key={p.name} className={`preset-card ${p.name === presetName ? 'on' : ''}`}>
              <input type="radio" name="preset" value={p.name} checked={p.name === presetName} onChange={() => choosePreset(p.name)} />
              <span className="preset-name">{p.name}</span>
              <span className={`scale scale-${p.scale}`}>{p.scale === 'cpu' ? 'CPU' : 'paper scale'}</span>
              <span className="preset-description">{p.description}</span>
            </label>
          ))}
        </div>
      </section>

      {preset && (
        <>
          <section className="panel">
            <h2>2. Configuration <span className="muted small">defaults from {preset.name}; changed fields are highlighted</span></h2>
            {!fields && <p className="muted">Loading fields…</p>}
            {fields && (['model', 'train', 'data'] as const).map((section) => (
              <fieldset key={section} className="config-section">
                <legend>{SECTION_TITLES[section]}</legend>
                {fields.filter((f) => f.section === section).map((field) => (
                  <ConfigField key={field.path} field={field} value={values[field.path] ?? fieldDisplayValue(field)} error={errorFor(field.path)}
                    onChange={(value) => setValues((previous) => ({ ...previous, [field.path]: value }))} />
                ))}
              </fieldset>
            ))}
          </section>

          <section className="panel">
            <h2>3. Run</h2>
            <div className="form-grid">
              <label htmlFor="run-name">Name</label>
              <input id="run-name" value={name} placeholder="(automatic)" onChange={(e) => setName(e.target.value)} />
              <label htmlFor="run-tags">Tags</label>
              <input id="run-tags" value={tags} placeholder="comma-separated" onChange={(e) => setTags(e.target.value)} />
              <label htmlFor="run-backend">Backend</label>
              <select id="run-backend" value={backend} onChange={(e) => setBackend(e.target.value as Backend)}>
                <option value="">Automatic{backends?.find((b) => b.available) ? ` (${BACKEND_LABELS[backends.find((b) => b.available)!.name]})` : ''}</option>
                {(backends ?? []).map((b) => (
                  <option key={b.name} value={b.name} disabled={!b.available} title={b.detail}>{BACKEND_LABELS[b.name]} — {b.available ? b.detail : `unavailable: ${b.detail}`}</option>
                ))}
              </select>
              <label htmlFor="run-minutes">Time limit (minutes)</label>
              <div>
                <input id="run-minutes" inputMode="decimal" value={minutes} placeholder="none: train to maxSteps" aria-invalid={minutesError ? true : undefined}
                  onChange={(e) => setMinutes(e.target.value)} />
                <span className="muted small"> stops with a checkpoint after this long, or at maxSteps if sooner (like trm train --minutes)</span>
                {minutesError && <div className="field-error" role="alert">{minutesError}</div>}
              </div>
            </div>
            <div className="estimate" aria-live="polite" data-testid="estimate">
              {estimate && Object.keys(estimate.errors).length === 0
                ? <>Parameters <strong>{formatCount(estimate.parameterCount)}</strong> · estimated memory <strong>{formatBytes(estimate.memoryBytes)}</strong></>
                : <span className="muted">{hasErrors ? 'Fix the highlighted fields to see the estimate.' : 'Estimating…'}</span>}
            </div>
            <DurationEstimate steps={fieldNumber('train.maxSteps')} stepTime={stepTime} sameModel={sameModel} minutes={minutesError ? null : minutesValue} presetName={preset.name} />
            {estimate?.warnings && estimate.warnings.length > 0 && (
              <div className="warning-banner" role="note" aria-label="Data warnings">
                {estimate.warnings.map((warning) => <div key={warning}>{warning}</div>)}
              </div>
            )}
            {unmatchedErrors.map(([path, message]) => <div key={path} className="field-error" role="alert">{path}: {message}</div>)}
            {formError && <div className="error-banner" role="alert">{formError}</div>}
            <div className="button-row">
              <button type="submit" className="primary" disabled={submitting || hasErrors || !fields}>{submitting ? 'Starting…' : 'Start run'}</button>
              <a className="button" href="#/runs">Cancel</a>
            </div>
          </section>
        </>
      )}
    </form>
  );
}

/** The training time at the measured step time, or what to do without one. */
function DurationEstimate({ steps, stepTime, sameModel, minutes, presetName }: { steps: number; stepTime: ReturnType<typeof measuredStepTime>; sameModel: boolean; minutes: number | null; presetName: string }) {
  if (!Number.isFinite(steps) || steps <= 0) return null;
  if (!stepTime) {
    return (
      <div className="estimate muted" data-testid="duration-estimate">
        No step time measured for {presetName} on this machine yet{minutes !== null ? `: the run stops after ${minutes} min at the latest` : ': a first run (or a time limit) tells how long it takes'}.
      </div>
    );
  }
  const planned = plannedDuration(steps, stepTime.msPerStep, minutes);
  const measured = <span className="muted"> at {stepTime.msPerStep < 10 ? stepTime.msPerStep.toFixed(1) : Math.round(stepTime.msPerStep)} ms/step, measured on <a href={`#/runs/${stepTime.runId}`}>run #{stepTime.runId}</a>{sameModel ? '' : ' (a different model size: a rough guide)'}; evaluations extra</span>;
  return (
    <div className="estimate" data-testid="duration-estimate">
      {planned.limitedByTime
        ? <>Stops after <strong>{minutes} min</strong> at about step <strong>{formatCount(planned.steps)}</strong> of {formatCount(steps)}</>
        : <>Training takes about <strong>{formatDuration(planned.durationMs)}</strong> ({formatCount(steps)} steps{minutes !== null ? `, within the ${minutes}-minute limit` : ''})</>}
      {measured}
    </div>
  );
}

function ConfigField({ field, value, error, onChange }: { field: ConfigFieldInfo; value: string; error?: string; onChange: (value: string) => void }) {
  const id = `field-${field.path}`;
  const changed = value !== fieldDisplayValue(field);
  const errorId = `${id}-error`;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined } as const;
  return (
    <div className={`config-field ${changed ? 'changed' : ''} ${error ? 'invalid' : ''}`} data-field={field.path}>
      <label htmlFor={id} className="field-name">{field.path.split('.')[1]}</label>
      <div className="field-input">
        {field.type === 'boolean' ? (
          <input type="checkbox" {...common} checked={value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />
        ) : field.type === 'enum' ? (
          <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
            {field.options?.map((option) => <option key={option} value={option}>{option}</option>)}
          </select>
        ) : (
          <input {...common} type="text" inputMode={field.type === 'integer' || field.type === 'number' ? 'decimal' : undefined} value={value}
            spellCheck={false} onChange={(e) => onChange(e.target.value)} />
        )}
      </div>
      <div className="field-help">
        {field.description}
        {changed && <span className="muted"> (default {fieldDisplayValue(field) || '""'})</span>}
      </div>
      {error && <div id={errorId} className="field-error" role="alert">{error}</div>}
    </div>
  );
}
