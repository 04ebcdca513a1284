import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartPanels, splitMetricKey } from '../../renderer/runs/charts/chart-panels.ts';

test('train and eval variants share a panel; panels follow the reading order', () => {
  const panels = chartPanels(['eval/exact_accuracy', 'train/lr', 'train/lm_loss', 'train/q_halt_loss', 'eval/lm_loss', 'train/exact_accuracy', 'train/halted_count']);
  assert.deepEqual(panels.map((p) => p.id), ['loss', 'exact_accuracy', 'lr', 'train/halted_count']);
  assert.deepEqual(panels[0].keys, ['train/lm_loss', 'eval/lm_loss', 'train/q_halt_loss']);
  assert.deepEqual(panels[1].keys, ['train/exact_accuracy', 'eval/exact_accuracy']);
});

test('accuracy panels do not swallow each other', () => {
  const panels = chartPanels(['train/accuracy', 'train/exact_accuracy', 'train/q_halt_accuracy']);
  assert.deepEqual(panels.map((p) => p.keys), [['train/accuracy'], ['train/exact_accuracy'], ['train/q_halt_accuracy']]);
});

test('metric keys split into split and name', () => {
  assert.deepEqual(splitMetricKey('eval/steps'), { split: 'eval', name: 'steps' });
  assert.deepEqual(splitMetricKey('lr'), { split: 'train', name: 'lr' });
});

test('per-supervision-step evaluation metrics share one panel each', () => {
  const panels = chartPanels(['eval/exact_accuracy@1', 'eval/exact_accuracy@2', 'eval/exact_accuracy_at_halt', 'eval/halt_fraction@1', 'eval/halt_fraction@2']);
  assert.deepEqual(panels.map((p) => [p.id, p.keys.length]), [['exact_accuracy_by_step', 3], ['halt_fraction', 2]]);
});

test('the target match sits in the exact accuracy panel, beside the solved share', () => {
  const panels = chartPanels(['eval/exact_accuracy', 'eval/target_match_accuracy', 'eval/accuracy']);
  assert.deepEqual(panels.map((p) => [p.id, p.keys]), [['accuracy', ['eval/accuracy']], ['exact_accuracy', ['eval/exact_accuracy', 'eval/target_match_accuracy']]]);
});
