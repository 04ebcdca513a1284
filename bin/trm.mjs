#!/usr/bin/env node
// The `trm` command: runs the TypeScript CLI through tsx so no build step is needed.
import { register } from 'tsx/esm/api';
register();
// `trm runs | head`: a reader that has gone is the end of the output, not an error.
process.stdout.on('error', (error) => { if (error.code === 'EPIPE') process.exit(0); else throw error; });
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
