// The step viewer's addresses: `#/viewer` (start), `?trace=ID` (one trace), `?trace=A&with=B` (two traces side
// by side), `?runs=A,B&puzzle=KEY[&checkpoints=latest,best]` (two runs or checkpoints on one held-out puzzle,
// linked from the compare view), `?run=ID&dataset=EVAL` (a run's evaluation set; dataset=1 → the newest).
import { formatRoute } from '../app/route.ts';

export interface ViewerQuery {
  trace?: number;
  with?: number;
  run?: number;
  dataset?: number | true;
  runs?: number[];
  puzzle?: string;
  checkpoints?: string[];
}

export function viewerHash(query: ViewerQuery): string {
  return formatRoute(['viewer'], {
    trace: query.trace?.toString(),
    with: query.with?.toString(),
    run: query.run?.toString(),
    dataset: query.dataset === true ? 'latest' : query.dataset?.toString(),
    runs: query.runs?.join(','),
    puzzle: query.puzzle,
    checkpoints: query.checkpoints?.join(','),
  });
}
