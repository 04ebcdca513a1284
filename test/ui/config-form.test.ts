import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigFieldInfo } from '../../preload/contract.ts';
import { changedOverrides, clientFieldError, fieldDisplayValue } from '../../renderer/runs/config-form.ts';

const field = (path: string, type: ConfigFieldInfo['type'], value: unknown, options?: string[]): ConfigFieldInfo =>
  ({ path, section: path.split('.')[0] as ConfigFieldInfo['section'], type, value, description: '', options });

test('client checks catch what is not a number, whole number or option', () => {
  assert.equal(clientFieldError(field('model.hiddenSize', 'integer', 64), '30'), null);
  assert.match(clientFieldError(field('model.hiddenSize', 'integer', 64), '30.5')!, /whole/);
  assert.match(clientFieldError(field('model.hiddenSize', 'integer', 64), '')!, /whole/);
  assert.equal(clientFieldError(field('train.lr', 'number', 1e-3), '3e-4'), null);
  assert.match(clientFieldError(field('train.lr', 'number', 1e-3), 'fast')!, /number/);
  assert.match(clientFieldError(field('model.loss', 'enum', 'stablemax', ['stablemax', 'softmax']), 'mse')!, /one of/);
});

test('only changed fields become overrides', () => {
  const fields = [field('model.hiddenSize', 'integer', 64), field('train.maxSteps', 'integer', 1500), field('data.subsets', 'string[]', ['a', 'b'])];
  assert.equal(fieldDisplayValue(fields[2]), 'a,b');
  assert.deepEqual(changedOverrides(fields, { 'model.hiddenSize': '64', 'train.maxSteps': ' 40 ', 'data.subsets': 'a,b' }), { 'train.maxSteps': '40' });
});
