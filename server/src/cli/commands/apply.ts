import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';
import { RemoteError, call, describeRemoteError, makePlan, remoteOf, type SavedPlan } from './plan.js';
import { parseTier } from './validate.js';

export default defineCommand({
  name: 'apply',
  summary: 'Apply a reviewed plan (or a rule-set file) to the server; refuses a plan the live version has moved past',
  usage: `rulecord apply plan.json [--message TEXT] [--url URL] [--token TOKEN]
rulecord apply --guild ID [paths…] [--message TEXT] [--url URL] [--token TOKEN] [--tier free|premium]

  plan.json       a plan saved by \`rulecord plan -o plan.json\`: applies exactly the document reviewed, and only if
                  the live rule set is still the version the plan was made against (else: stale plan, exit 1)
  --guild, paths  plan the file now (printed) and apply it
  --message       the version's message (shown in the history)
  --url, --token  the server and a guild write token; default RULECORD_URL and RULECORD_TOKEN

The server validates the document again before storing it as a new version.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, {
      guild: 'string',
      message: 'string',
      url: 'string',
      token: 'string',
      tier: 'string',
    });
    let saved: SavedPlan;
    const fromFile = flags.guild === undefined;
    try {
      if (fromFile) {
        if (positionals.length !== 1)
          throw new UsageError('give the plan file (from `rulecord plan -o`), or --guild ID and the rule-set paths');
        const path = positionals[0] as string;
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(resolve(ctx.cwd, path), 'utf8'));
        } catch {
          ctx.stderr.write(
            `rulecord apply: cannot read the plan ${path} (make one with \`rulecord plan --guild ID -o ${path}\`)\n`,
          );
          return EXIT_FAILURE;
        }
        const p = parsed as Partial<SavedPlan>;
        if (
          p.kind !== 'RulecordPlan' ||
          typeof p.guildId !== 'string' ||
          typeof p.fromVersion !== 'number' ||
          p.document === undefined
        ) {
          ctx.stderr.write(`rulecord apply: ${path} is not a plan saved by \`rulecord plan -o\`\n`);
          return EXIT_FAILURE;
        }
        saved = p as SavedPlan;
      } else {
        const remote = remoteOf(flags, ctx);
        const planned = await makePlan(flags.guild as string, positionals, remote, ctx, parseTier(flags.tier));
        if (!planned.ok) {
          ctx.stderr.write(planned.output);
          return EXIT_FAILURE;
        }
        ctx.stdout.write(`${planned.text}\n`);
        saved = planned.saved;
      }
      const remote = remoteOf(
        { url: flags.url ?? ctx.env.RULECORD_URL ?? (fromFile ? saved.url : undefined), token: flags.token },
        ctx,
      );
      const { body } = await call<{ applied: boolean; version: number; previous?: number }>(
        remote,
        'POST',
        `/guilds/${saved.guildId}/ruleset/apply`,
        {
          document: saved.document,
          expectedVersion: saved.fromVersion,
          ...(flags.message !== undefined ? { message: flags.message } : { message: `rulecord apply ${saved.file}` }),
        },
      );
      ctx.stdout.write(
        body.applied
          ? `Applied: guild ${saved.guildId} is now at version ${body.version} (was ${saved.fromVersion}).\n`
          : `Nothing to apply: guild ${saved.guildId} already runs this rule set (version ${body.version}).\n`,
      );
      return EXIT_OK;
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'RC_API_CONFLICT') {
        const current = (error.details as { currentVersion?: number }).currentVersion;
        ctx.stderr.write(
          `rulecord apply: stale plan: it was made against version ${saved!.fromVersion}, but the live rule set is now at version ${current ?? '(newer)'}. Nothing was applied. [RC_PLAN_STALE]\n  fix: run \`rulecord plan\` again, review the new diff, then apply that plan\n`,
        );
        return EXIT_FAILURE;
      }
      const text = describeRemoteError(error);
      if (text === undefined) throw error;
      ctx.stderr.write(text);
      return EXIT_FAILURE;
    }
  },
});
