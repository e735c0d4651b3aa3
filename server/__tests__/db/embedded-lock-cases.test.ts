import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RulecordError } from '@rulecord/engine';
import { lockDataDir } from '../../src/db/embedded-lock.js';
import { tempDir } from '../../src/testing/index.js';

describe('lockDataDir, in one process', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  let n = 0;
  const folder = () => {
    const path = join(dir.path, `case${++n}`);
    mkdirSync(path);
    return path;
  };

  it('refuses a second open of a folder this process holds (a bug: close the first Database)', () => {
    const path = folder();
    const lock = join(path, 'pgdata.lock');
    const release = lockDataDir(lock, path);
    let error: unknown;
    try {
      lockDataDir(lock, path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulecordError);
    expect(error).toMatchObject({
      code: 'RC_DB_EMBEDDED_LOCKED',
      kind: 'bug',
      message: `the embedded database in ${path} is already open in this process`,
      fix: 'close the first Database before opening it again',
    });
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('releasing twice never removes a lock taken since', () => {
    const path = folder();
    const lock = join(path, 'pgdata.lock');
    const first = lockDataDir(lock, path);
    first();
    const second = lockDataDir(lock, path);
    first();
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    second();
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock file that holds no pid', () => {
    const path = folder();
    const lock = join(path, 'pgdata.lock');
    writeFileSync(lock, 'garbage\n');
    const release = lockDataDir(lock, path);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
  });

  it('passes on a failure other than "exists" (the folder is missing)', () => {
    const path = join(dir.path, 'missing');
    expect(() => lockDataDir(join(path, 'pgdata.lock'), path)).toThrow(/ENOENT/);
  });
});
