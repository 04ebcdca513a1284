// `trm backends`: each TensorFlow.js backend, whether it runs on this machine and on what (or why not), and the
// one a run gets without --backend.
import { parseArgs } from '../args.ts';
import { listBackends } from '../../trm/backend.ts';

export async function backendsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'switch', help: 'JSON output' } });
  const backends = await listBackends();
  const automatic = backends.find((b) => b.available)?.name ?? null;
  if (args.switches.has('json')) {
    console.log(JSON.stringify({ automatic, backends }, null, 2));
    return 0;
  }
  const width = Math.max(...backends.map((b) => b.name.length));
  for (const b of backends) console.log(`${b.name.padEnd(width)}  ${b.available ? 'available  ' : 'unavailable'}  ${b.detail}`);
  console.log(`\nA run without --backend uses ${automatic ?? 'nothing (no backend works here)'}.`);
  return 0;
}
