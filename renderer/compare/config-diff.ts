// Run configs side by side: nested configs flattened to dotted paths (`model.hiddenSize`), and which paths differ
// between runs. A path missing from some runs differs from every value (it shows as "—").

export type FlatConfig = Record<string, unknown>;

/** `{ model: { hiddenSize: 16 } }` → `{ 'model.hiddenSize': 16 }`. Arrays are values, not nested paths. */
export function flattenConfig(config: Record<string, unknown>, prefix = ''): FlatConfig {
  const flat: FlatConfig = {};
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(flat, flattenConfig(value as Record<string, unknown>, path));
    else flat[path] = value;
  }
  return flat;
}

export interface ConfigRow {
  path: string;
  /** One entry per run, in the runs' order; undefined where the run has no such path. */
  values: unknown[];
  differs: boolean;
}

/** Every path of any run, sorted; `differs` when some run's value (or its absence) differs from another's. */
export function diffConfigs(configs: readonly FlatConfig[]): ConfigRow[] {
  const paths = [...new Set(configs.flatMap((config) => Object.keys(config)))].sort();
  return paths.map((path) => {
    const values = configs.map((config) => (Object.hasOwn(config, path) ? config[path] : undefined));
    const distinct = new Set(values.map(valueKey));
    return { path, values, differs: distinct.size > 1 };
  });
}

/** A comparable identity for a config value (undefined — missing — is distinct from null). */
export function valueKey(value: unknown): string {
  return value === undefined ? '\u0000missing' : JSON.stringify(value);
}

export function formatConfigValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
