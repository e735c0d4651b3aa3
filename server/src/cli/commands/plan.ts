import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Json } from '@rulecord/engine';
import {
  checkRuleFile,
  collectFiles,
  formatProblemText,
  loadRuleFile,
  sortProblems,
  type RuleFile,
  type SourceProblem,
} from '@rulecord/dsl';
import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs, type CommandContext } from '../command.js';
import { cliRegistry, parseTier } from './validate.js';

/** Exit code of `plan --detailed-exitcode` when the plan has changes (terraform's convention). */
export const EXIT_CHANGES = 2;

// ── Talking to the server ─────────────────────────────────────────────────────────────────────────────────────

/** Where the server is and how to sign in: `--url`/`RULECORD_URL`, `--token`/`RULECORD_TOKEN`. */
export interface Remote {
  url: string;
  token: string;
}

export function remoteOf(flags: { url?: string | undefined; token?: string | undefined }, ctx: CommandContext): Remote {
  const url = flags.url ?? ctx.env.RULECORD_URL;
  const token = flags.token ?? ctx.env.RULECORD_TOKEN;
  if (!url) throw new UsageError('say where the server is: --url https://… or RULECORD_URL');
  if (!/^https?:\/\//.test(url))
    throw new UsageError(`--url / RULECORD_URL must start with http:// or https://, not "${url}"`);
  if (!token)
    throw new UsageError(
      'give an API token of the guild: --token rct_… or RULECORD_TOKEN (create one with `rulecord token create`)',
    );
  return { url: url.replace(/\/+$/, ''), token };
}

/** An error the server answered with (or a failure to reach it): one line, with the API's code. */
export class RemoteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

export async function call<T>(
  remote: Remote,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(`${remote.url}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${remote.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteError(
      0,
      'RC_CLI_UNREACHABLE',
      `cannot reach ${remote.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const e = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)
      ?.error;
    throw new RemoteError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? `${method} ${path} answered ${res.status}`,
      e?.details ?? {},
    );
  }
  return { status: res.status, body: parsed as T };
}

/** The server's plan (`POST /api/guilds/:g/ruleset/plan`). */
export interface ServerPlan {
  guildId: string;
  fromVersion: number;
  valid: boolean;
  problems: { pointer: string; code: string; message: string; fix?: string; severity?: 'error' | 'warning' }[];
  rules: RuleChanges;
  resolvedRules: RuleChanges | null;
  changes: { op: 'add' | 'remove' | 'replace'; pointer: string; before?: Json; after?: Json }[];
  noop: boolean;
}
interface RuleChanges {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: number;
}

/** What `plan -o` writes and `apply` reads: the document reviewed and the live version it was planned against. */
export interface SavedPlan {
  kind: 'RulecordPlan';
  guildId: string;
  url: string;
  file: string;
  fromVersion: number;
  document: Json;
  summary: { add: number; change: number; remove: number; noop: boolean };
  createdAt: string;
}

export async function liveDocument(
  remote: Remote,
  guildId: string,
): Promise<{ version: number; document: Json | null }> {
  try {
    const { body } = await call<{ version: number; document: Json }>(remote, 'GET', `/guilds/${guildId}/ruleset`);
    return { version: body.version, document: body.document };
  } catch (error) {
    if (error instanceof RemoteError && error.status === 404 && error.code === 'RC_API_NOT_FOUND')
      return { version: 0, document: null };
    throw error;
  }
}

// ── Finding the rule set of a guild ───────────────────────────────────────────────────────────────────────────

/** The one rule-set file under `paths` whose `guild` is `guildId`, validated locally. */
export function ruleSetFor(
  guildId: string,
  paths: readonly string[],
  ctx: CommandContext,
  tier: 'free' | 'premium',
): { file?: RuleFile; problems: SourceProblem[]; message?: string } {
  const { files, problems } = collectFiles(paths, { cwd: ctx.cwd, kind: 'rules' });
  if (problems.length > 0) return { problems };
  const loaded = files.map((f) => loadRuleFile(readFileSync(resolve(ctx.cwd, f), 'utf8'), { file: f }));
  const matching = loaded.filter((f) => (f.value as { guild?: unknown } | null)?.guild === guildId);
  const candidates = matching.length > 0 ? matching : loaded.length === 1 ? loaded : [];
  if (candidates.length === 0)
    return {
      problems: [],
      message: `no rule-set file for guild ${guildId} under ${paths.length ? paths.join(', ') : '.'}`,
    };
  if (candidates.length > 1)
    return {
      problems: [],
      message: `several rule-set files are for guild ${guildId}: ${candidates.map((c) => c.file).join(', ')}; name one`,
    };
  const file = candidates[0] as RuleFile;
  const checked = checkRuleFile(file, cliRegistry(), { tier });
  const errors = checked.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { file, problems: errors };
  const docGuild = (file.value as { guild?: unknown }).guild;
  if (docGuild !== guildId)
    return { file, problems: [], message: `${file.file} is for guild ${String(docGuild)}, not ${guildId}` };
  return { file, problems: [] };
}

// ── Showing a plan ────────────────────────────────────────────────────────────────────────────────────────────

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Field-level differences between two JSON values (pointer, before, after); lists compared item by item. */
export function fieldDiff(
  before: Json | undefined,
  after: Json | undefined,
  pointer = '',
): { pointer: string; before?: Json; after?: Json }[] {
  if (before === undefined && after === undefined) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) =>
      fieldDiff(before[k], after[k], `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
    );
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => fieldDiff(b, after[i], `${pointer}/${i}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const out: { pointer: string; before?: Json; after?: Json } = { pointer: pointer || '/' };
  if (before !== undefined) out.before = before;
  if (after !== undefined) out.after = after;
  return [out];
}

const show = (v: Json | undefined): string => (v === undefined ? '(none)' : JSON.stringify(v));

/** The per-rule diff a person reviews: `+` added, `~` changed with its fields, `-` removed, module settings, templates. */
export function describePlan(
  live: Json | null,
  next: Json,
  plan: ServerPlan,
): { text: string; summary: SavedPlan['summary'] } {
  const lines: string[] = [];
  const liveRules = isObj(live) && Array.isArray(live.rules) ? (live.rules as Json[]) : [];
  const nextRules = isObj(next) && Array.isArray(next.rules) ? (next.rules as Json[]) : [];
  const byId = (rules: Json[]): Map<string, Obj> => new Map(rules.filter(isObj).map((r) => [String(r.id), r]));
  const before = byId(liveRules);
  const after = byId(nextRules);
  let add = 0;
  let change = 0;
  let remove = 0;
  /** Entries of `rules` the plan already shows as added, changed or removed. */
  const touched = new Set<string>();
  for (const [id, rule] of after) {
    const old = before.get(id);
    if (!old) {
      add++;
      touched.add(id);
      lines.push(`+ ${rule.use !== undefined ? 'template use' : 'rule'} ${id}`);
      continue;
    }
    const diffs = fieldDiff(old, rule);
    if (diffs.length === 0) continue;
    change++;
    touched.add(id);
    lines.push(`~ ${rule.use !== undefined ? 'template use' : 'rule'} ${id}`);
    for (const d of diffs)
      lines.push(
        `    ${d.before === undefined ? '+' : d.after === undefined ? '-' : '~'} ${d.pointer.slice(1) || '(whole rule)'}: ${d.before === undefined ? show(d.after) : d.after === undefined ? show(d.before) : `${show(d.before)} → ${show(d.after)}`}`,
      );
  }
  for (const [id, rule] of before) {
    if (after.has(id)) continue;
    remove++;
    touched.add(id);
    lines.push(`- ${rule.use !== undefined ? 'template use' : 'rule'} ${id}`);
  }
  const order = (isObj(live) ? liveRules : []).map((r) => (isObj(r) ? String(r.id) : '')).filter((id) => after.has(id));
  const nextOrder = nextRules.map((r) => (isObj(r) ? String(r.id) : '')).filter((id) => before.has(id));
  if (order.join('\n') !== nextOrder.join('\n')) {
    change++;
    lines.push('~ rule order (rules run in the order they are listed)');
  }
  const rest = fieldDiff(isObj(live) ? { ...live, rules: null } : null, isObj(next) ? { ...next, rules: null } : null);
  for (const d of rest) {
    change++;
    const parts = d.pointer.split('/');
    const where = d.pointer.startsWith('/modules/')
      ? `settings of module ${parts[2] ?? ''}${parts.length > 3 ? `, ${parts.slice(3).join('/')}` : ''}`
      : d.pointer.slice(1);
    lines.push(
      `~ ${where}: ${d.before === undefined ? `+ ${show(d.after)}` : d.after === undefined ? `- ${show(d.before)}` : `${show(d.before)} → ${show(d.after)}`}`,
    );
  }
  // Template upgrades: the rules a template produces changed although the entries of `rules` did not say so.
  const resolved = plan.resolvedRules;
  if (resolved) {
    const explained = (id: string): boolean => touched.has(id) || touched.has(id.split('.')[0] ?? id);
    const upgraded = [
      ...resolved.added.map((id) => `+ ${id}`),
      ...resolved.changed.map((id) => `~ ${id}`),
      ...resolved.removed.map((id) => `- ${id}`),
    ].filter((l) => !explained(l.slice(2)));
    if (upgraded.length > 0) {
      change += upgraded.length;
      lines.push('~ rules from templates (a template changed):');
      for (const l of upgraded) lines.push(`    ${l}`);
    }
  }
  const noop = plan.noop && lines.length === 0;
  const head = `Plan for guild ${plan.guildId} against live version ${plan.fromVersion === 0 ? '0 (none yet)' : plan.fromVersion}:`;
  const body = noop ? 'No changes. The live rule set matches the file.' : lines.join('\n');
  const summary = noop ? '' : `\n\nPlan: ${add} to add, ${change} to change, ${remove} to remove.`;
  return { text: `${head}\n\n${body}${summary}\n`, summary: { add, change, remove, noop } };
}

/** Plans a file against the live rule set: local checks, the server's plan, the readable diff. */
export async function makePlan(
  guildId: string,
  paths: readonly string[],
  remote: Remote,
  ctx: CommandContext,
  tier: 'free' | 'premium',
): Promise<{ ok: true; saved: SavedPlan; text: string } | { ok: false; output: string }> {
  const found = ruleSetFor(guildId, paths, ctx, tier);
  if (found.problems.length > 0)
    return {
      ok: false,
      output: sortProblems(found.problems)
        .map((p) => `${formatProblemText(p)}\n`)
        .join(''),
    };
  if (!found.file) return { ok: false, output: `rulecord: ${found.message ?? 'no rule set found'}\n` };
  if (found.message) return { ok: false, output: `rulecord: ${found.message}\n` };
  const file = found.file;
  const live = await liveDocument(remote, guildId);
  const { body: plan } = await call<ServerPlan>(remote, 'POST', `/guilds/${guildId}/ruleset/plan`, {
    document: file.value,
  });
  if (!plan.valid) {
    // The server validates again (its modules and the guild's real tier may differ from this machine's).
    const placed = plan.problems
      .filter((p) => p.severity !== 'warning')
      .map((p) =>
        file.place({
          code: p.code,
          message: p.message,
          pointer: p.pointer.replace(/^\/document/, ''),
          severity: 'error',
          ...(p.fix ? { fix: p.fix } : {}),
        }),
      );
    return {
      ok: false,
      output: `${sortProblems(placed)
        .map((p) => `${formatProblemText(p)}\n`)
        .join('')}\nThe server refused the rule set.\n`,
    };
  }
  const { text, summary } = describePlan(live.document, file.value as Json, plan);
  const saved: SavedPlan = {
    kind: 'RulecordPlan',
    guildId,
    url: remote.url,
    file: file.file,
    fromVersion: plan.fromVersion,
    document: file.value as Json,
    summary,
    createdAt: new Date().toISOString(),
  };
  return { ok: true, saved, text };
}

export function describeRemoteError(error: unknown): string | undefined {
  if (!(error instanceof RemoteError)) return undefined;
  if (error.status === 401)
    return `rulecord: the server refused the token (${error.code}): ${error.message}\n  fix: create a token with \`rulecord token create --guild ID --scope write\` and pass it as RULECORD_TOKEN\n`;
  if (error.status === 403)
    return `rulecord: not allowed (${error.code}): ${error.message}\n  fix: use a token of this guild; apply needs a write token\n`;
  if (error.code === 'RC_CLI_UNREACHABLE')
    return `rulecord: ${error.message} [${error.code}]\n  fix: check RULECORD_URL (or --url) and that the server is running\n`;
  return `rulecord: ${error.message} [${error.code}]\n`;
}

export default defineCommand({
  name: 'plan',
  summary: 'Show what applying a rule-set file would change on the server (per rule), without changing anything',
  usage: `rulecord plan --guild ID [paths…] [-o plan.json] [--detailed-exitcode] [--url URL] [--token TOKEN] [--tier free|premium]

  --guild              the guild whose live rule set is compared
  paths                the rule-set file, or folders searched for the one whose \`guild\` is ID; default .
  -o, --out            save the plan (the exact document reviewed and the live version) for \`rulecord apply\`
  --detailed-exitcode  exit 0 when nothing would change, 2 when something would, 1 on error
  --url, --token       the server and a guild API token; default RULECORD_URL and RULECORD_TOKEN
  --tier               tier for the local check before asking the server (default free; the server checks again)

Prints + for an added rule, ~ for a changed one with each changed field, - for a removed one, module settings
changes and rules that change because a template changed.`,
  async run(args, ctx) {
    const normalized = args.map((a) => (a === '-o' ? '--out' : a));
    const { flags, positionals } = parseArgs(normalized, {
      guild: 'string',
      out: 'string',
      'detailed-exitcode': 'boolean',
      url: 'string',
      token: 'string',
      tier: 'string',
    });
    const guildId = flags.guild;
    if (!guildId) throw new UsageError('--guild ID is required');
    const remote = remoteOf(flags, ctx);
    try {
      const result = await makePlan(guildId, positionals, remote, ctx, parseTier(flags.tier));
      if (!result.ok) {
        ctx.stderr.write(result.output);
        return EXIT_FAILURE;
      }
      ctx.stdout.write(result.text);
      if (flags.out) {
        writeFileSync(resolve(ctx.cwd, flags.out), `${JSON.stringify(result.saved, null, 2)}\n`);
        ctx.stdout.write(`\nSaved the plan to ${flags.out}. Apply exactly this with: rulecord apply ${flags.out}\n`);
      }
      if (flags['detailed-exitcode'] && !result.saved.summary.noop) return EXIT_CHANGES;
      return EXIT_OK;
    } catch (error) {
      const text = describeRemoteError(error);
      if (text === undefined) throw error;
      ctx.stderr.write(text);
      return EXIT_FAILURE;
    }
  },
});
