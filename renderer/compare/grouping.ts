// Grouping runs that differ only in one config value (typically the seed): runs agreeing on every other
// differing path form a group, drawn as the group's mean with a min–max band (Aim's and W&B's seed averaging).
import { diffConfigs, formatConfigValue, valueKey, type FlatConfig } from './config-diff.ts';

export interface RunGroup {
  /** The shared values of the other differing paths, e.g. `model.lCycles=2`; 'all runs' when nothing else differs. */
  label: string;
  runIds: number[];
}

/** Groups `runIds` (with their flattened configs, same order) by every differing path except `varyingPath`. */
export function groupRuns(runIds: readonly number[], configs: readonly FlatConfig[], varyingPath: string): RunGroup[] {
  const otherPaths = diffConfigs(configs).filter((row) => row.differs && row.path !== varyingPath).map((row) => row.path);
  const groups = new Map<string, RunGroup>();
  runIds.forEach((runId, index) => {
    const config = configs[index];
    const values = otherPaths.map((path) => config[path]);
    const key = values.map(valueKey).join('\n');
    let group = groups.get(key);
    if (!group) {
      const label = otherPaths.map((path, i) => `${path}=${formatConfigValue(values[i])}`).join(', ') || 'all runs';
      groups.set(key, (group = { label, runIds: [] }));
    }
    group.runIds.push(runId);
  });
  return [...groups.values()];
}

export interface AlignedPoint {
  step: number;
  x: number;
}

export interface BandPoint {
  step: number;
  x: number;
  mean: number;
  min: number;
  max: number;
  /** How many member runs have a finite value at this step. */
  count: number;
}

/** Mean and min–max of the members' values at each step any member logged (members aligned by step; x is the
 *  mean of the members' x there, so time axes work too). Steps where no member has a finite value are skipped. */
export function aggregateByStep(members: readonly (readonly (AlignedPoint & { value: number })[])[]): BandPoint[] {
  const byStep = new Map<number, { xs: number[]; values: number[] }>();
  for (const points of members) {
    for (const { step, x, value } of points) {
      if (!Number.isFinite(value)) continue;
      let entry = byStep.get(step);
      if (!entry) byStep.set(step, (entry = { xs: [], values: [] }));
      entry.xs.push(x);
      entry.values.push(value);
    }
  }
  return [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([step, { xs, values }]) => ({
      step,
      x: xs.reduce((sum, v) => sum + v, 0) / xs.length,
      mean: values.reduce((sum, v) => sum + v, 0) / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      count: values.length,
    }));
}
