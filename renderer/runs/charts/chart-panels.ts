// Which metric keys share a chart. Keys are `train/<name>` and `eval/<name>` (main/train/run.ts); a panel
// overlays the train and eval variants of the same quantities, and any key no panel claims gets its own.

export interface ChartPanel {
  id: string;
  title: string;
  keys: string[];
}

const PANELS: { id: string; title: string; matches: (name: string) => boolean }[] = [
  { id: 'loss', title: 'Loss components', matches: (name) => name.endsWith('loss') },
  { id: 'accuracy', title: 'Token accuracy', matches: (name) => name === 'accuracy' },
  // Solved (by the task's rules where it has them), with the target match (`target_match_accuracy`) beside it.
  { id: 'exact_accuracy', title: 'Exact accuracy', matches: (name) => name === 'exact_accuracy' || name === 'target_match_accuracy' },
  // Evaluation after each supervision step k (`exact_accuracy@k`) and at the learned halt.
  { id: 'exact_accuracy_by_step', title: 'Exact accuracy by supervision step', matches: (name) => /^exact_accuracy(@\d+|_at_halt)$/.test(name) },
  { id: 'halt_fraction', title: 'Halted fraction by supervision step', matches: (name) => /^halt_fraction(@\d+)?$/.test(name) },
  { id: 'q_halt_accuracy', title: 'Q-halt accuracy', matches: (name) => name === 'q_halt_accuracy' },
  { id: 'steps', title: 'Mean supervision steps', matches: (name) => name === 'steps' },
  { id: 'lr', title: 'Learning rate', matches: (name) => name === 'lr' },
  { id: 'throughput', title: 'Examples per second', matches: (name) => name === 'examples_per_second' },
];

/** `eval/exact_accuracy` → { split: 'eval', name: 'exact_accuracy' }; a key without a prefix counts as train. */
export function splitMetricKey(key: string): { split: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { split: 'train', name: key } : { split: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Panels in a fixed reading order, each with its keys sorted (train before eval); only non-empty panels. */
export function chartPanels(keys: readonly string[]): ChartPanel[] {
  const claimed = new Set<string>();
  const panels: ChartPanel[] = [];
  for (const panel of PANELS) {
    const panelKeys = keys.filter((key) => panel.matches(splitMetricKey(key).name)).sort(compareKeys);
    panelKeys.forEach((key) => claimed.add(key));
    if (panelKeys.length > 0) panels.push({ id: panel.id, title: panel.title, keys: panelKeys });
  }
  for (const key of [...keys].sort()) if (!claimed.has(key)) panels.push({ id: key, title: key, keys: [key] });
  return panels;
}

function compareKeys(a: string, b: string): number {
  const ka = splitMetricKey(a);
  const kb = splitMetricKey(b);
  return ka.name.localeCompare(kb.name) || (ka.split === 'train' ? -1 : kb.split === 'train' ? 1 : ka.split.localeCompare(kb.split));
}
