// `trm`: the command line over the same engine and database as the app.
// Every command validates its input before doing any work and fails with one clear line and a non-zero exit.
import { isExpectedError } from '../common/errors.ts';

type Command = (argv: string[]) => Promise<number>;

interface CommandSpec {
  summary: string;
  usage: string;
  run: Command;
}

const COMMANDS: Record<string, CommandSpec> = {
  backends: { summary: 'which backends run here (GPU adapter, or why not)', usage: 'trm backends [--json]', run: (argv) => import('./commands/backends.ts').then((m) => m.backendsCommand(argv)) },
  presets: { summary: 'list the presets', usage: 'trm presets [--json]', run: (argv) => import('./commands/presets.ts').then((m) => m.presetsCommand(argv)) },
  params: { summary: 'parameter count of a preset', usage: 'trm params --preset NAME [--set key=value]…', run: (argv) => import('./commands/presets.ts').then((m) => m.paramsCommand(argv)) },
  train: { summary: 'train a new run', usage: 'trm train --preset NAME [--data DIR] [--set key=value]… [--name S] [--tags a,b] [--max-steps N] [--minutes M] [--backend tensorflow|webgpu|wasm|cpu] [--json]', run: (argv) => import('./commands/train.ts').then((m) => m.trainCommand(argv)) },
  resume: { summary: 'continue a run from its last checkpoint', usage: 'trm resume RUN [--minutes M] [--backend B] [--json]', run: (argv) => import('./commands/train.ts').then((m) => m.resumeCommand(argv)) },
  eval: { summary: 'evaluate a checkpoint on the held-out split', usage: 'trm eval RUN [--checkpoint latest|best|step_N] [--limit N] [--json]', run: (argv) => import('./commands/train.ts').then((m) => m.evalCommand(argv)) },
  trace: { summary: 'one puzzle through every supervision step of a checkpoint (step viewer)', usage: 'trm trace RUN --puzzle FILE [--checkpoint latest|best|step_N] [--test-index N] [--inner] [--json]', run: (argv) => import('./commands/trace.ts').then((m) => m.traceCommand(argv)) },
  runs: { summary: 'list runs, newest first', usage: 'trm runs [--status S] [--json]', run: (argv) => import('./commands/runs.ts').then((m) => m.runsCommand(argv)) },
  data: { summary: 'build or inspect datasets in the official TRM .npy layout', usage: 'trm data build sudoku|maze|arc … --out DIR | trm data inspect DIR [--json]', run: (argv) => import('./commands/data.ts').then((m) => m.dataCommand(argv)) },
  'import-checkpoint': { summary: 'turn an official PyTorch checkpoint into a run', usage: 'trm import-checkpoint FILE --preset NAME [--data DIR] [--set key=value]… [--name S] [--json]', run: (argv) => import('./commands/import.ts').then((m) => m.importCommand(argv)) },
  serve: { summary: 'the workbench in a browser (127.0.0.1, token in the URL)', usage: 'trm serve [--port N]', run: (argv) => import('../server/index.ts').then((m) => m.serveCommand(argv)) },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ['usage: trm <command> [options]', '', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`), '', 'trm <command> --help shows its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`trm: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return reportError(error);
  }
}

/** One clear line for expected failures (exit 2); a stack only for bugs (exit 1). TRM_DEBUG=1 shows it always. */
export function reportError(error: unknown): number {
  const expected = isExpectedError(error);
  const message = error instanceof Error ? error.message : String(error);
  // An expected message listing several problems on lines of their own still prints as one line.
  console.error(`trm: ${expected ? message.trim().replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ') : message}`);
  if (!expected || process.env.TRM_DEBUG) console.error((error as Error)?.stack ?? '');
  return expected ? 2 : 1;
}
