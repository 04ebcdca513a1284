// `trm data build …` writes the official TRM .npy dataset layout (so a run can move to the official PyTorch code
// on a GPU cluster); `trm data inspect DIR` reads such a folder back and summarises it.
import { integerFlag, parseArgs, UsageError, type FlagSpec } from '../args.ts';

const COMMON: Record<string, FlagSpec> = {
  out: { kind: 'value', help: 'output folder' },
  seed: { kind: 'value', help: 'seed (default 0)' },
  aug: { kind: 'value', help: 'augmented versions per puzzle' },
};

export async function dataCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'inspect') return inspect(rest);
  if (action === 'build') return build(rest);
  throw new UsageError("usage: trm data build sudoku|maze|arc … --out DIR | trm data inspect DIR [--json]");
}

async function inspect(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'switch', help: 'JSON output' } });
  const [dir] = args.positional;
  if (!dir) throw new UsageError('usage: trm data inspect DIR [--json]');
  const { inspectDataset, inspectDatasetJson } = await import('../../puzzles/build.ts');
  console.log(args.switches.has('json') ? JSON.stringify(inspectDatasetJson(dir), null, 2) : inspectDataset(dir));
  return 0;
}

async function build(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === 'sudoku') {
    const args = parseArgs(rest, { ...COMMON, box: { kind: 'value', help: 'box size RxC: 2x2, 2x3 or 3x3' }, source: { kind: 'value', help: "'generate' or 'collection:NAME'" }, train: { kind: 'value', help: 'training puzzles' }, test: { kind: 'value', help: 'test puzzles' }, 'min-blanks': { kind: 'value', help: '' }, 'max-blanks': { kind: 'value', help: '' } });
    const out = requireOut(args.values.get('out'));
    const box = /^(\d)x(\d)$/.exec(args.values.get('box') ?? '3x3');
    if (!box) throw new UsageError('--box must look like 2x2, 2x3 or 3x3');
    const [boxRows, boxCols] = [Number(box[1]), Number(box[2])];
    const cells = (boxRows * boxCols) ** 2;
    const { buildSudokuDataset } = await import('../../puzzles/build.ts');
    const summary = buildSudokuDataset({
      boxRows, boxCols, out,
      source: args.values.get('source') ?? 'generate',
      trainCount: integerFlag(args, 'train') ?? 1000,
      testCount: integerFlag(args, 'test') ?? 1000,
      augmentations: integerFlag(args, 'aug') ?? 0,
      seed: integerFlag(args, 'seed') ?? 0,
      minBlanks: integerFlag(args, 'min-blanks') ?? Math.floor(cells / 2),
      maxBlanks: integerFlag(args, 'max-blanks') ?? Math.floor((cells * 2) / 3),
    });
    console.log(typeof summary === 'string' ? summary : `wrote ${out}`);
    return 0;
  }
  if (kind === 'maze') {
    const args = parseArgs(rest, { ...COMMON, size: { kind: 'value', help: 'maze side' }, 'min-path': { kind: 'value', help: 'minimum shortest-path length' }, train: { kind: 'value', help: '' }, test: { kind: 'value', help: '' } });
    const out = requireOut(args.values.get('out'));
    const { buildMazeDataset } = await import('../../puzzles/maze-build.ts');
    const size = integerFlag(args, 'size') ?? 30;
    console.log(buildMazeDataset({ size, minPathLength: integerFlag(args, 'min-path') ?? Math.round((111 * size) / 30), trainCount: integerFlag(args, 'train') ?? 1000, testCount: integerFlag(args, 'test') ?? 1000, augment: (integerFlag(args, 'aug') ?? 0) > 0, seed: integerFlag(args, 'seed') ?? 0, out }));
    return 0;
  }
  if (kind === 'arc') {
    const args = parseArgs(rest, { ...COMMON, subsets: { kind: 'list', help: 'subsets to train on' }, 'test-set': { kind: 'value', help: 'subset whose test pairs are held out' }, tasks: { kind: 'value', help: 'custom task folder/files' }, canvas: { kind: 'value', help: 'canvas side (30; 0 = smallest that fits)' } });
    const out = requireOut(args.values.get('out'));
    // `--subsets training evaluation concept`: the values after --subsets arrive as positionals too.
    const subsets = [...(args.lists.get('subsets') ?? []), ...args.positional];
    const { buildArcDataset } = await import('../../puzzles/arc/build.ts');
    // The paper-scale build takes minutes and GBs: Ctrl-C stops it cleanly (no half folder), progress goes to stderr.
    const interrupt = new AbortController();
    const stop = () => interrupt.abort();
    process.once('SIGINT', stop).once('SIGTERM', stop);
    try {
      const result = await buildArcDataset(
        { subsets: subsets.length > 0 ? subsets : args.values.get('tasks') ? [] : ['training', 'evaluation', 'concept'], testSet: args.values.get('test-set') ?? (args.values.get('tasks') ? 'custom' : 'evaluation'), tasks: args.values.get('tasks'), augmentations: integerFlag(args, 'aug') ?? 1000, seed: integerFlag(args, 'seed') ?? 42, out, canvas: integerFlag(args, 'canvas') },
        { signal: interrupt.signal, onProgress: (line) => console.error(line) },
      );
      console.log(result);
    } finally {
      process.off('SIGINT', stop).off('SIGTERM', stop);
    }
    return 0;
  }
  throw new UsageError('trm data build needs a kind: sudoku, maze or arc');
}

function requireOut(out: string | undefined): string {
  if (!out) throw new UsageError('--out DIR is required');
  return out;
}
