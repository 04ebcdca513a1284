// library.importFiles refuses uploaded names the upload folder cannot hold as 'invalid-input' naming them, where
// Node's own errors (a NUL byte in a path, a file and a folder of the same name) were answered 'internal'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';
import { createLibraryHandlers } from '../../main/api/library-handlers.ts';
import { describeError } from '../../main/api/register.ts';

const TASK = JSON.stringify({ train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[3]], output: [[4]] }] });

test('library.importFiles: a NUL byte, or a file that is also a folder, is invalid-input naming the file', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'trm-import-names-'));
  const db = openDatabase(join(folder, 'trm.sqlite'));
  try {
    const handlers = createLibraryHandlers({ db, workspace: folder });
    const { id: setId } = db.createTaskSet({ name: 'Mine', kind: 'arc' });
    const replyTo = async (files: { path: string; content: string }[]) => {
      try {
        return { ok: true, value: await handlers['library.importFiles']({ setId, files }) };
      } catch (error) {
        return { ok: false, error: describeError('library.importFiles', error) };
      }
    };
    const cases: [string, { path: string; content: string }[], RegExp][] = [
      ['a NUL byte', [{ path: 'bad\0name.json', content: TASK }], /"bad\\u0000name\.json" is not a valid file name: it contains a NUL byte/],
      ['a file, then a file inside a folder of the same name', [{ path: 'tasks', content: TASK }, { path: 'tasks/a.json', content: TASK }], /'tasks' is uploaded as a file and is also the folder of 'tasks\/a\.json'/],
      ['the same, the other way round', [{ path: 'x/y/a.json', content: TASK }, { path: 'x/y', content: TASK }], /'x\/y' is uploaded as a file and is also the folder of 'x\/y\/a\.json'/],
    ];
    for (const [what, files, message] of cases) {
      const reply = await replyTo(files);
      assert.equal(reply.ok, false, what);
      assert.equal(reply.error?.code, 'invalid-input', `${what}: ${JSON.stringify(reply.error)}`);
      assert.match(reply.error!.message, message, what);
    }
    assert.deepEqual(db.searchTasks({ setId }), [], 'nothing imported');
    const fine = await replyTo([{ path: 'tasks/a.json', content: TASK }, { path: 'tasks/b.json', content: TASK }]);
    assert.equal(fine.ok, true, JSON.stringify(fine));
    assert.deepEqual(db.searchTasks({ setId }).map((task) => task.name).sort(), ['a', 'b']);
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
