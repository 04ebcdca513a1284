// Watches file reads while a test body runs: how many positioned reads (fs.readSync), how many bytes they returned,
// and which files were read whole (fs.readFileSync, whose own reads are not counted as positioned reads). Named imports of node:fs see the spies through
// syncBuiltinESMExports.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

export interface ReadCounts {
  reads: number;
  bytes: number;
  wholeFiles: string[];
}

export function watchReads<T>(body: () => T): ReadCounts & { result: T } {
  const { readSync, readFileSync } = fs;
  const counts: ReadCounts = { reads: 0, bytes: 0, wholeFiles: [] };
  let readingWhole = false;
  fs.readSync = ((...args: Parameters<typeof readSync>) => {
    const n = readSync(...args);
    if (!readingWhole) {
      counts.reads++;
      counts.bytes += n;
    }
    return n;
  }) as typeof readSync;
  fs.readFileSync = ((...args: Parameters<typeof readFileSync>) => {
    counts.wholeFiles.push(String(args[0]));
    readingWhole = true;
    try {
      return readFileSync(...args);
    } finally {
      readingWhole = false;
    }
  }) as typeof readFileSync;
  syncBuiltinESMExports();
  try {
    const result = body();
    return { ...counts, result };
  } finally {
    Object.assign(fs, { readSync, readFileSync });
    syncBuiltinESMExports();
  }
}
