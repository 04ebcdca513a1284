// The ARC learning bench's task set, shared by `npm run bench` (bench/run.ts) and the tuning tool (bench/arc-tune.ts).
import { join } from 'node:path';
import { dataDir } from '../main/common/paths.ts';

/** The ten small ARC-AGI-1 training tasks of the ARC learning bench (grids up to 7×7: rotations, flips, a transpose,
 *  colour maps, a one-row shift). Trained on their train pairs, scored by pass@2 on their test inputs. */
export const ARC_MINI_TASKS = ['3c9b0459', '6150a2bd', '67a3c6ac', '68b16354', '74dd1130', 'ed36ccf7', '0d3d703e', 'b1948b0a', 'c8f0f002', '25ff71a9'];

export const arcTaskPath = (id: string) => join(dataDir(), 'arc-agi-1', 'training', `${id}.json`);
