import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { lockDataDir } from '../../src/db/embedded-lock.js';
import type { Config } from '../../src/config/index.js';
import { rulecordBin, spawnNode, tempDir } from '../../src/testing/index.js';

describe('the embedded database folder lock', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it(
    'keeps a second process out while one has the folder open, with a clear message',
    { timeout: 90_000 },
    async () => {
      const db = await openDatabase({ dataDir: dir.path } as Config);
      try {
        expect(existsSync(join(dir.path, 'pgdata.lock'))).toBe(true);
        const p = spawnNode([rulecordBin, 'migrate', 'status'], {
          cwd: dir.path,
          env: { RULECORD_DATA_DIR: dir.path },
        });
        expect((await p.exited).code).toBe(1);
        expect(p.stderr()).toContain(
          `the embedded database in ${dir.path}/pgdata is in use by another rulecord process (pid ${process.pid})`,
        );
        expect(p.stderr()).toContain('[RC_DB_EMBEDDED_LOCKED]');
        await expect(openDatabase({ dataDir: dir.path } as Config)).rejects.toThrow(/already open in this process/);
      } finally {
        await db.close();
      }
      expect(existsSync(join(dir.path, 'pgdata.lock'))).toBe(false);
    },
  );

  it('takes over a lock left by a process that is gone', () => {
    const path = join(dir.path, 'stale');
    mkdirSync(path);
    // pid 2^22+1 is above Linux's pid_max limit, so no process has it.
    writeFileSync(join(path, 'x.lock'), String(4_194_305));
    const release = lockDataDir(join(path, 'x.lock'), path);
    release();
    expect(existsSync(join(path, 'x.lock'))).toBe(false);
    // Our own pid in a lock we do not hold: a container restarted with the same pid after a crash.
    writeFileSync(join(path, 'x.lock'), String(process.pid));
    lockDataDir(join(path, 'x.lock'), path)();
  });
});
