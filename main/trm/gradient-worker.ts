// A gradient helper thread: holds a copy of the network, and for each request loads the weights it was sent and
// returns the gradient of one group of slots (act.ts slotGroupGradients). See data-parallel.ts.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { readAll, slotGroupGradients, type SlotGroupArrays, type SlotGroupRequest } from './act.ts';
import { selectBackend } from './backend.ts';
import { sequenceLength, TRM } from './model.ts';
import type { FromHelperMessage, ToHelperMessage } from './data-parallel.ts';

const port = parentPort!;
let model: TRM | null = null;

function loadWeights(network: TRM, weights: Map<string, Float32Array>): void {
  for (const [key, data] of weights) {
    const variable = key === 'inner.H_init' ? network.hInit : key === 'inner.L_init' ? network.lInit : network.trainable.get(key);
    if (!variable) throw new Error(`unknown weight '${key}'`);
    tf.tidy(() => variable.assign(tf.tensor(data, variable.shape)));
  }
}

async function computeGroup(network: TRM, request: SlotGroupRequest): Promise<SlotGroupArrays> {
  loadWeights(network, request.weights);
  const { size } = request.data;
  const S = sequenceLength(network.config);
  const D = network.config.hiddenSize;
  const carry = { y: tf.tensor3d(request.y, [size, S, D]), z: tf.tensor3d(request.z, [size, S, D]) };
  const rows = request.puzzleRows ? tf.tensor2d(request.puzzleRows, [size, request.puzzleRows.length / size]) : null;
  const group = await slotGroupGradients(network, carry, request.data, rows, request.batchSize);
  // Copies: a backend may hand out its own storage, which must not be moved to another thread.
  const gradKeys = [...group.grads.keys()];
  const [y, z, ...grads] = (await readAll<Float32Array>([group.y, group.z, ...gradKeys.map((key) => group.grads.get(key)!)])).map((values) => values!.slice());
  const result: SlotGroupArrays = {
    y: y, z: z, grads: new Map(gradKeys.map((key, i) => [key, grads[i]])),
    puzzleRowGrads: group.puzzleRowGrads ? group.puzzleRowGrads.slice() : null,
    predictions: group.predictions.slice(), qHalt: group.qHalt.slice(), lmLossSum: group.lmLossSum, qHaltLossSum: group.qHaltLossSum,
  };
  tf.dispose([carry.y, carry.z, rows ?? [], group.y, group.z, ...group.grads.values()]);
  return result;
}

function post(message: FromHelperMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', async (message: ToHelperMessage) => {
  const id = message.type === 'step' ? message.id : undefined;
  try {
    if (message.type === 'init') {
      await selectBackend(message.backend);
      model = TRM.create(message.model, 0);
      post({ type: 'ready' });
      return;
    }
    if (!model) throw new Error('step before init');
    const result = await computeGroup(model, message.request);
    const transfer = [result.y, result.z, ...result.grads.values(), ...(result.puzzleRowGrads ? [result.puzzleRowGrads] : []), result.predictions, result.qHalt].map((a) => a.buffer as ArrayBuffer);
    post({ type: 'result', id: message.id, result }, transfer);
  } catch (error) {
    post({ type: 'error', id, message: (error as Error).message });
  }
});
