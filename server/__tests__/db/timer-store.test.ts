import { describe } from 'vitest';
import { timerStoreContract } from '@rulecord/engine/testing';
import { KnexTimerStore } from '../../src/db/timer-store.js';
import { openTestDatabase, testDatabaseKinds } from '../../src/testing/index.js';

const kinds = await testDatabaseKinds();

describe.each(kinds)('KnexTimerStore on %s', (kind) => {
  // One database per kind for the whole file: one PGlite instance, or one random PostgreSQL schema dropped after.
  timerStoreContract(`KnexTimerStore (${kind})`, async () => {
    const db = await openTestDatabase(kind);
    return { store: new KnexTimerStore(db.knex), cleanup: () => db.destroy() };
  });
});
