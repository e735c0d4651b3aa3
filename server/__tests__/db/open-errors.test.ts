import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from './failure.js';
import { openDatabase } from '../../src/db/open.js';
import { tempDir } from '../../src/testing/index.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('openDatabase: the embedded database cannot be opened', () => {
  it('RULECORD_DATA_DIR is a file: RC_DB_EMBEDDED_OPEN names the folder and the fix', async () => {
    const file = join(dir.path, 'not-a-folder');
    writeFileSync(file, 'x');
    const error = await failure(openDatabase({ dataDir: file }));
    expect(error.code).toBe('RC_DB_EMBEDDED_OPEN');
    expect(error.message).toMatch(new RegExp(`^cannot open the embedded database in ${file}/pgdata: ENOTDIR`));
    expect(error.fix).toBe('check that RULECORD_DATA_DIR is writable and holds a Rulecord database (or is empty)');
  });

  it('the folder holds something that is not a database: RC_DB_EMBEDDED_OPEN, and the lock is released', async () => {
    const data = join(dir.path, 'junk');
    mkdirSync(join(data, 'pgdata'), { recursive: true });
    writeFileSync(join(data, 'pgdata', 'PG_VERSION'), 'not a version\n');
    const error = await failure(openDatabase({ dataDir: data }));
    expect(error.code).toBe('RC_DB_EMBEDDED_OPEN');
    expect(error.message.startsWith(`cannot open the embedded database in ${data}/pgdata: `)).toBe(true);
    expect(existsSync(join(data, 'pgdata.lock'))).toBe(false);
  });
});
