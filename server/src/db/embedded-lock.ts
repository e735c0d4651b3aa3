import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { RulecordError } from '@rulecord/engine';

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it. A lock file holding
 * the owner's pid keeps a second `rulecord` (say `rulecord migrate` beside `npm start`) out, with a clear message.
 * A lock left by a process that no longer runs is taken over.
 */
const heldHere = new Set<string>();

export function lockDataDir(lockPath: string, location: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(lockPath);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new RulecordError(
          'RC_DB_EMBEDDED_LOCKED',
          `the embedded database in ${location} is in use by another rulecord process (pid ${pid})`,
          {
            kind: 'user',
            fix: 'stop that process first, use another RULECORD_DATA_DIR, or set DATABASE_URL to share a PostgreSQL between processes',
          },
        );
      }
      // Same pid but not held here: a container restarted with the same pid (1) after an unclean stop.
      if (pid === process.pid && heldHere.has(lockPath)) {
        throw new RulecordError(
          'RC_DB_EMBEDDED_LOCKED',
          `the embedded database in ${location} is already open in this process`,
          {
            kind: 'bug',
            fix: 'close the first Database before opening it again',
          },
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new RulecordError('RC_DB_EMBEDDED_LOCKED', `cannot lock the embedded database in ${location}`, {
    kind: 'transient',
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
