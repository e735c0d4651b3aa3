import type { Knex } from 'knex';
import { RulecordError } from '@rulecord/engine';

type Row = Record<string, unknown>;

/**
 * A database handle that sees one guild's rows only: every query it builds filters on `guild_id`, and every row it
 * inserts carries that guild's id. It is the only way server and module code reach guild rows.
 */
export interface GuildDatabase {
  readonly guildId: string;
  /**
   * A query builder on `table` (`'cases'` or `'cases as c'`) already filtered on `<table>.guild_id`: select,
   * update, delete, join. Never change `guild_id` through it (`update` refuses to).
   */
  query<TRecord extends Row = Row>(table: string): Knex.QueryBuilder<TRecord>;
  /** Inserts rows stamped with this guild's `guild_id`; refuses a row that names another guild. */
  insert<TRecord extends Row = Row>(table: string, rows: Row | readonly Row[]): Knex.QueryBuilder<TRecord>;
  /** Runs `work` in one transaction, with a handle scoped to the same guild. */
  transaction<T>(work: (db: GuildDatabase) => Promise<T>): Promise<T>;
}

const SNOWFLAKE_OR_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The guild-scoped handle on `knex` (or on a transaction).
 *
 * @example
 * const db = forGuild(knex, '112233445566778899');
 * await db.insert('cases', { user_id: '42', reason: 'spam' });
 * const open = await db.query('cases').where({ status: 'open' });   // only this guild's rows
 */
export function forGuild(knex: Knex | Knex.Transaction, guildId: string): GuildDatabase {
  if (!SNOWFLAKE_OR_KEY.test(guildId)) {
    throw new RulecordError('RC_DB_GUILD_ID', `guild id ${JSON.stringify(guildId)} is not valid`, { kind: 'bug' });
  }
  return {
    guildId,
    query<TRecord extends Row = Row>(table: string) {
      const alias = aliasOf(table);
      const builder = knex<TRecord>(table).where(`${alias}.guild_id`, guildId) as unknown as Knex.QueryBuilder<TRecord>;
      const update = builder.update.bind(builder) as (...args: unknown[]) => unknown;
      // A scoped update that moves rows to another guild would let them escape the scope.
      (builder as unknown as { update: (...args: unknown[]) => unknown }).update = (...args: unknown[]) => {
        const values = args[0];
        if (
          values !== null &&
          typeof values === 'object' &&
          'guild_id' in values &&
          (values as Row).guild_id !== guildId
        ) {
          throw new RulecordError(
            'RC_DB_GUILD_SCOPE',
            `an update through the handle of guild ${guildId} tried to change guild_id`,
            {
              kind: 'bug',
            },
          );
        }
        return update(...args);
      };
      (builder as unknown as { insert: () => never }).insert = () => {
        throw new RulecordError('RC_DB_GUILD_SCOPE', `insert through db.insert(table, rows), which stamps guild_id`, {
          kind: 'bug',
        });
      };
      return builder;
    },
    insert<TRecord extends Row = Row>(table: string, rows: Row | readonly Row[]) {
      const list = Array.isArray(rows) ? rows : [rows as Row];
      const stamped = list.map((row) => {
        if ('guild_id' in row && row.guild_id !== guildId) {
          throw new RulecordError(
            'RC_DB_GUILD_SCOPE',
            `a row inserted through the handle of guild ${guildId} names guild ${String(row.guild_id)}`,
            { kind: 'bug' },
          );
        }
        return { ...row, guild_id: guildId };
      });
      return knex<TRecord>(table).insert(stamped as never) as unknown as Knex.QueryBuilder<TRecord>;
    },
    async transaction<T>(work: (db: GuildDatabase) => Promise<T>): Promise<T> {
      return knex.transaction((trx) => work(forGuild(trx, guildId)));
    },
  };
}

function aliasOf(table: string): string {
  const match = /^\s*([A-Za-z0-9_."]+)(?:\s+as\s+([A-Za-z0-9_"]+))?\s*$/i.exec(table);
  if (!match)
    throw new RulecordError('RC_DB_TABLE_NAME', `table ${JSON.stringify(table)} is not a plain name`, { kind: 'bug' });
  return match[2] ?? match[1]!;
}
