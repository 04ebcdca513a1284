// `trm import-checkpoint FILE --preset NAME [--data DIR]`: an official checkpoint becomes a run (see main/train/import-checkpoint.ts).
import { keyValuePairs, parseArgs, UsageError } from '../args.ts';
import { importCheckpoint } from '../../train/import-checkpoint.ts';

export async function importCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    preset: { kind: 'value', help: 'preset whose architecture the checkpoint has' },
    data: { kind: 'value', help: 'official dataset folder it was trained on' },
    set: { kind: 'list', help: 'config override key=value' },
    name: { kind: 'value', help: 'run name' },
    json: { kind: 'switch', help: 'JSON output' },
  });
  const [file] = args.positional;
  const preset = args.values.get('preset');
  if (!file || !preset) throw new UsageError('usage: trm import-checkpoint FILE --preset NAME [--data DIR] [--set key=value]…');
  const { runId, config } = await importCheckpoint(file, { preset, dataDir: args.values.get('data'), overrides: keyValuePairs(args.lists.get('set')), name: args.values.get('name') });
  if (args.switches.has('json')) console.log(JSON.stringify({ runId, model: config.model }, null, 2));
  else console.log(`imported ${file} as run ${runId} (D=${config.model.hiddenSize}, ${config.model.layers} layers, ${config.model.mlpT ? 'mlp_t' : 'attention'}); evaluate it with: trm eval ${runId}`);
  return 0;
}
