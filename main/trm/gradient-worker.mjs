// Entry of a gradient helper thread (main/trm/data-parallel.ts): loads the TypeScript sources through tsx, as
// bin/trm.mjs does, since a worker does not always inherit the parent's loader.
import { register } from 'tsx/esm/api';
register();
await import('./gradient-worker.ts');
