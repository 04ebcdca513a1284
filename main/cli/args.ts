// A small, strict command-line parser: every command declares its flags, anything else is an error.
import { ExpectedError } from '../common/errors.ts';

export interface FlagSpec {
  /** 'value' takes one argument; 'list' may repeat (--set a=1 --set b=2); 'switch' takes none. */
  kind: 'value' | 'list' | 'switch';
  help: string;
}

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  lists: Map<string, string[]>;
  switches: Set<string>;
}

/** A bad command line: printed as one line with the command's usage in mind. */
export class UsageError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'invalid-input' });
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], flags: Record<string, FlagSpec>): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], values: new Map(), lists: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = flags[name];
    if (!spec) throw new UsageError(`unknown option --${name}; valid options: ${Object.keys(flags).map((f) => `--${f}`).join(', ') || 'none'}`);
    if (spec.kind === 'switch') {
      parsed.switches.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (spec.kind === 'list') parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
    else parsed.values.set(name, value);
  }
  return parsed;
}

/** `--set key=value` pairs as a record. */
export function keyValuePairs(items: string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value (got '${item}')`);
    result[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return result;
}

export function integerFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${name} must be a non-negative integer (got '${raw}')`);
  return value;
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number (got '${raw}')`);
  return value;
}
