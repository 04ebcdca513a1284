// TRM losses (spec §2.3, §3; official models/losses.py): stablemax or softmax token cross-entropy, per-sequence
// normalised, plus the halting BCE of the ACT head. Everything here is differentiable w.r.t. the logits only:
// labels, masks and the halting targets are constants (argmax/equal have no gradient in tfjs).
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.ts';

/** Label id that is not supervised (dataset convention; the official loader remaps it to −100). */
export const IGNORE_LABEL = 0;

/** Weight of the halting BCE in the total loss (official ACTLossHead). */
export const Q_HALT_LOSS_WEIGHT = 0.5;

export type LossKind = ModelConfig['loss'];

/**
 * log(s(x_i) / Σ_j s(x_j)) over the last axis, with s(x) = 1/(1−x) for x < 0 and x + 1 for x ≥ 0.
 * Both branches are evaluated on clamped inputs, so neither can divide by zero or overflow and no NaN
 * leaks through the gradient of the unselected branch (which is multiplied by 0, not skipped).
 */
export function stablemaxLogProbs(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const negativeBranch = tf.reciprocal(tf.sub(1, tf.minimum(logits, 0)));
    const positiveBranch = tf.add(tf.maximum(logits, 0), 1);
    // 1 where x < 0, else 0. Built with step (whose gradient is 0) rather than less + where, because tfjs
    // refuses to differentiate through Less. Blending by the mask is exact: one term is always 0.
    const isNegative = tf.step(tf.neg(logits));
    const s = tf.add(tf.mul(isNegative, negativeBranch), tf.mul(tf.sub(1, isNegative), positiveBranch));
    return tf.sub(tf.log(s), tf.log(tf.sum(s, -1, true)));
  });
}

export function logProbs(logits: tf.Tensor, kind: LossKind): tf.Tensor {
  return kind === 'stablemax' ? stablemaxLogProbs(logits) : tf.logSoftmax(logits, -1);
}

/**
 * Cross-entropy per position against class ids `targets` (same shape as logits without the last axis),
 * multiplied by `supervised` (1 = counted, 0 = ignored, giving exactly 0). The target's log-probability is
 * picked with a one-hot product rather than gather, whose gradient WASM lacks.
 */
export function maskedCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, supervised: tf.Tensor, kind: LossKind): tf.Tensor {
  return tf.tidy(() => {
    const numClasses = logits.shape[logits.shape.length - 1];
    // WASM's OneHot kernel writes int32 whatever dtype is asked for, so build it int32 and cast.
    const targetOneHot = tf.cast(tf.oneHot(tf.cast(targets, 'int32'), numClasses), 'float32');
    const targetLogProb = tf.sum(tf.mul(targetOneHot, logProbs(logits, kind)), -1);
    return tf.mul(tf.neg(targetLogProb), supervised);
  });
}

/** 1 where the label is supervised, 0 where it is IGNORE_LABEL; float32, same shape as labels. */
export function supervisedMask(labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.notEqual(labels, IGNORE_LABEL), 'float32'));
}

/** Per-token CE [B, L] for logits [B, L, V] and dataset-convention labels [B, L] (0 = ignored → 0 loss). */
export function tokenCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, kind: LossKind): tf.Tensor2D {
  return tf.tidy(() => maskedCrossEntropy(logits, labels, supervisedMask(labels), kind) as tf.Tensor2D);
}

/** BCEWithLogits(x, y) = softplus(x) − x·y, elementwise (exact derivative sigmoid(x) − y everywhere). */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.softplus(logits), tf.mul(logits, targets)));
}

export interface ActLossInputs {
  /** [B, L, V] LM logits of this supervision step. */
  logits: tf.Tensor;
  /** [B] halting logits (Q head output 0). */
  qHalt: tf.Tensor;
  /** [B, L] int32 labels, dataset convention (0 = ignored). */
  labels: tf.Tensor;
  /** [B] float 0/1: the row is exactly right (from sequenceStats, computed outside the differentiated code). */
  seqCorrect: tf.Tensor;
  kind: LossKind;
}

export interface ActLoss {
  /** Σ_b (Σ_t CE_bt)/max(count_b, 1). */
  lmLoss: tf.Scalar;
  /** Σ_b BCEWithLogits(qHalt_b, seqCorrect_b). */
  qHaltLoss: tf.Scalar;
  /** lmLoss + 0.5·qHaltLoss. Unscaled: the trainer back-propagates total / batchSize. */
  total: tf.Scalar;
}

/** The official ACTLossHead (TRM: no continue loss), summed over the batch. */
export function actLoss({ logits, qHalt, labels, seqCorrect, kind }: ActLossInputs): ActLoss {
  return tf.tidy(() => {
    const perToken = tokenCrossEntropy(logits, labels, kind);
    const divisor = tf.maximum(tf.sum(supervisedMask(labels), -1), 1);
    const lmLoss = tf.sum(tf.div(tf.sum(perToken, -1), divisor)) as tf.Scalar;
    const qHaltLoss = tf.sum(binaryCrossEntropyWithLogits(qHalt, tf.cast(seqCorrect, 'float32'))) as tf.Scalar;
    const total = tf.add(lmLoss, tf.mul(qHaltLoss, Q_HALT_LOSS_WEIGHT)) as tf.Scalar;
    return { lmLoss, qHaltLoss, total };
  });
}

export interface SequenceStats {
  /** [B] supervised tokens per row. */
  supervisedCount: Int32Array;
  /** [B] supervised tokens predicted right. */
  correctCount: Int32Array;
  /** [B] 1 if every supervised token is right (also for a row with none, as officially: 0 == 0), else 0. */
  seqCorrect: Float32Array;
}

/** Per-row accuracy bookkeeping from argmax predictions [B·L] and labels [B·L]: metrics and halting targets. */
export function sequenceStats(predictions: Int32Array, labels: Int32Array, batchSize: number, seqLen: number): SequenceStats {
  const supervisedCount = new Int32Array(batchSize);
  const correctCount = new Int32Array(batchSize);
  const seqCorrect = new Float32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    for (let t = b * seqLen; t < (b + 1) * seqLen; t++) {
      if (labels[t] === IGNORE_LABEL) continue;
      supervisedCount[b]++;
      if (predictions[t] === labels[t]) correctCount[b]++;
    }
    seqCorrect[b] = correctCount[b] === supervisedCount[b] ? 1 : 0;
  }
  return { supervisedCount, correctCount, seqCorrect };
}
