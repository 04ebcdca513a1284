import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochAxisExclusion, epochOfStep } from '../../renderer/compare/epoch-axis.ts';
import { formatEpoch } from '../../renderer/common/format.ts';

test('epochOfStep: exact at logged steps, linear between (downsampled series), null outside the logged range', () => {
  const epochs = [{ step: 1, value: 0.25 }, { step: 2, value: 0.5 }, { step: 6, value: 1.5 }, { step: 10, value: 2.5 }];
  assert.equal(epochOfStep(epochs, 1), 0.25);
  assert.equal(epochOfStep(epochs, 2), 0.5);
  assert.equal(epochOfStep(epochs, 10), 2.5);
  assert.equal(epochOfStep(epochs, 4), 1); // halfway between steps 2 and 6
  assert.equal(epochOfStep(epochs, 9), 2.25);
  assert.equal(epochOfStep(epochs, 0), null);
  assert.equal(epochOfStep(epochs, 11), null);
  assert.equal(epochOfStep([], 3), null);
  assert.equal(epochOfStep([{ step: 5, value: 1 }], 5), 1);
});

test('epochAxisExclusion: runs with epochs are plotted; the others say why not', () => {
  const trained = new Map([['train/lm_loss', [{ step: 1, value: 2 }]]]);
  const withEpochs = new Map([...trained, ['train/epoch', [{ step: 1, value: 0.1 }]]]);
  assert.equal(epochAxisExclusion({ config: { trainExamplesPerEpoch: 80 } }, withEpochs), null);
  // Logged epochs count even for a run created before the epoch size was stored (a resumed old run).
  assert.equal(epochAxisExclusion({ config: {} }, withEpochs), null);
  assert.match(epochAxisExclusion({ config: { trainExamplesPerEpoch: null } }, trained)!, /generated on the fly/);
  assert.match(epochAxisExclusion({ config: { trainExamplesPerEpoch: null } }, new Map())!, /generated on the fly/);
  assert.match(epochAxisExclusion({ config: { trainExamplesPerEpoch: 80 } }, new Map())!, /no training steps/);
  assert.match(epochAxisExclusion({ config: { trainExamplesPerEpoch: 80 } }, undefined)!, /no training steps/);
  assert.match(epochAxisExclusion({ config: {} }, trained)!, /before epochs were logged/);
  assert.match(epochAxisExclusion({ config: { trainExamplesPerEpoch: 80 } }, trained)!, /no epochs logged yet/);
});

test('formatEpoch: two decimals below 10, one below 1000, then whole', () => {
  assert.deepEqual([0.25, 0.125, 3, 12.54, 999.96, 1500.4].map(formatEpoch), ['0.25', '0.13', '3', '12.5', '1000', '1500']);
});
