// `trm presets` and `trm params`.
import { keyValuePairs, parseArgs, UsageError } from '../args.ts';
import { PRESETS, presetConfig } from '../../trm/presets.ts';
import { applyOverrides, validateRunConfig, ConfigError } from '../../trm/config.ts';
import { TRM } from '../../trm/model.ts';

export async function presetsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'switch', help: 'JSON output' } });
  const rows = PRESETS.map((p) => ({ name: p.name, scale: p.scale, parameters: TRM.countParameters(p.config.model), data: p.config.data.kind, description: p.description }));
  if (args.switches.has('json')) {
    console.log(JSON.stringify(PRESETS.map((p, i) => ({ ...rows[i], config: p.config })), null, 2));
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.scale.padEnd(5)}  ${r.parameters.toLocaleString('en-US').padStart(11)} params  ${r.description}`);
  return 0;
}

export async function paramsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { preset: { kind: 'value', help: 'preset name' }, set: { kind: 'list', help: 'key=value override' } });
  const preset = args.values.get('preset');
  if (!preset) throw new UsageError('--preset is required');
  const config = applyOverrides(presetConfig(preset), keyValuePairs(args.lists.get('set')));
  const errors = validateRunConfig(config);
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  const m = config.model;
  console.log(`${preset}: D=${m.hiddenSize} layers=${m.layers} ${m.mlpT ? 'mlp_t' : `attention(${m.numHeads} heads, ${m.posEncodings})`} T=${m.hCycles} n=${m.lCycles} N_sup=${m.haltMaxSteps} vocab=${m.vocabSize} L=${m.seqLen} P=${m.puzzleEmbLen}`);
  console.log(TRM.countParameters(m));
  return 0;
}
