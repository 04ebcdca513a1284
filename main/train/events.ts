// The typed events a training or evaluation job emits. The CLI prints them, the job process forwards them
// (throttled) to the app, and the database is written before each is emitted, so events are only a live view.

export type TrainEvent =
  | { type: 'started'; runId: number; backend: string; backendVersion: string; backendDevice: string; parameterCount: number; totalSteps: number; resumedFromStep: number; threads: number }
  | { type: 'progress'; runId: number; step: number; totalSteps: number; examplesPerSecond: number; elapsedMs: number; etaMs: number | null; lmLoss: number; exactAccuracy: number; epoch?: number }
  | { type: 'metric'; runId: number; step: number; values: Record<string, number> }
  | { type: 'eval'; runId: number; step: number; metrics: Record<string, number> }
  | { type: 'checkpoint'; runId: number; step: number; path: string; aliases: ('latest' | 'best')[] }
  | { type: 'done'; runId: number; status: 'finished' | 'stopped'; step: number; summary: Record<string, number> }
  | { type: 'error'; runId: number; message: string };

export type TrainEventListener = (event: TrainEvent) => void;
