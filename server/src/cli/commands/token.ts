import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';

export default defineCommand({
  name: 'token',
  summary: 'Create, list or revoke per-guild API tokens (for the CLI and CI)',
  usage: `rulecord token create --guild ID [--name NAME] [--scope read|write]
rulecord token list   --guild ID
rulecord token revoke --guild ID --id TOKEN_ID

  create   prints the token ONCE (only its hash is stored); send it as Authorization: Bearer <token>
  list     id, name, scope, created, last used, revoked — never the token itself
  revoke   the token stops working immediately

Uses DATABASE_URL, or the embedded database in RULECORD_DATA_DIR when unset.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { guild: 'string', name: 'string', scope: 'string', id: 'string' });
    const [action, extra] = positionals;
    if (action === undefined || !['create', 'list', 'revoke'].includes(action))
      throw new UsageError('say create, list or revoke');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const guild = flags.guild;
    if (guild === undefined || !/^[0-9]{1,25}$/.test(guild))
      throw new UsageError('--guild needs the guild id (a Discord snowflake, digits only)');
    const scope = flags.scope ?? 'read';
    if (scope !== 'read' && scope !== 'write') throw new UsageError(`--scope must be read or write, not "${scope}"`);
    if (action === 'revoke' && flags.id === undefined)
      throw new UsageError('revoke needs --id TOKEN_ID (see `rulecord token list`)');
    if (action !== 'create' && (flags.name !== undefined || flags.scope !== undefined))
      throw new UsageError('--name and --scope go with create only');

    const { loadConfig } = await import('../../config/load.js');
    const { openDatabase, migrateUp, upsertGuild, forGuild, recordAudit } = await import('../../db/index.js');
    const { ApiTokenStore } = await import('../../auth/tokens.js');
    const config = loadConfig({ env: ctx.env, cwd: ctx.cwd });
    const db = await openDatabase(config);
    const out = (line: string) => ctx.stdout.write(`${line}\n`);
    try {
      await migrateUp(db.knex);
      const tokens = new ApiTokenStore(db.knex);
      const actor = `cli:${ctx.env['USER'] ?? 'local'}`;
      if (action === 'create') {
        await upsertGuild(db.knex, { id: guild });
        const { token, record } = await tokens.create({
          guildId: guild,
          name: flags.name ?? 'cli',
          scope,
          createdBy: actor,
        });
        await recordAudit(forGuild(db.knex, guild), {
          actor,
          action: 'token.create',
          target: `token:${record.id}`,
          after: { scope, name: record.name },
        });
        out(`Created ${scope} token ${record.id} ("${record.name}") for guild ${guild}.`);
        out('Copy it now; it is not shown again:');
        out(token);
      } else if (action === 'list') {
        const list = await tokens.list(guild);
        if (list.length === 0) out(`Guild ${guild} has no API tokens.`);
        for (const t of list)
          out(
            `${t.id}  ${t.scope.padEnd(5)}  ${JSON.stringify(t.name)}  created ${t.createdAt}  last used ${t.lastUsedAt ?? 'never'}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}`,
          );
      } else {
        const id = flags.id as string;
        if (!(await tokens.revoke(guild, id))) {
          ctx.stderr.write(
            `rulecord token: guild ${guild} has no live token ${id} (see \`rulecord token list --guild ${guild}\`)\n`,
          );
          return EXIT_FAILURE;
        }
        await recordAudit(forGuild(db.knex, guild), { actor, action: 'token.revoke', target: `token:${id}` });
        out(`Revoked token ${id}.`);
      }
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
});
