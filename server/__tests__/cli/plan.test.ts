import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from './capture.js';
import { freePort, rulecordBin, spawnNode, tempDir, type SpawnedProcess } from '../../src/testing/index.js';

// End to end against a real `rulecord start` (embedded database, sandbox guild): plan, apply, pull, stale plan.

let server: SpawnedProcess;
let dir: { path: string; remove(): void };
let url: string;
let guild: string;
let token: string;

const cli = (...argv: string[]) =>
  runCommand(argv, { cwd: dir.path, env: { RULECORD_URL: url, RULECORD_TOKEN: token } });

function ruleSet(rules: string): string {
  return `# Our rules, kept in git.\napiVersion: rulecord/v1\nkind: RuleSet\nguild: "${guild}"\nrules:\n${rules}`;
}
const HELLO = `  - id: hello # greet newcomers
    on: member.join
    then:
      - message.send: { content: "Welcome!" }
`;
const SHOUT = `  - id: no-shouting
    on: message.create
    if: { fact: message.capsRatio, operator: greaterThan, value: 0.7 }
    then:
      - message.delete: {}
`;

beforeAll(async () => {
  dir = tempDir('rulecord-plan-');
  const port = await freePort();
  server = spawnNode([rulecordBin, 'start'], { cwd: dir.path, env: { PORT: String(port), LOG_LEVEL: 'warn' } });
  await server.waitFor(/Rulecord is running at (\S+)/, 90_000);
  url = `http://127.0.0.1:${port}`;
  const origin = `http://localhost:${port}`;
  const config = (await (await fetch(`${url}/api/auth/config`)).json()) as { sandboxGuildId: string };
  guild = config.sandboxGuildId;
  const login = await fetch(`${url}/api/auth/sandbox`, { method: 'POST', headers: { origin } });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.getSetCookie?.() ?? [login.headers.get('set-cookie') ?? ''])
    .map((c) => c.split(';')[0])
    .join('; ');
  const created = await fetch(`${url}/api/guilds/${guild}/tokens`, {
    method: 'POST',
    headers: { origin, cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', scope: 'write' }),
  });
  expect(created.status).toBeLessThan(300);
  token = ((await created.json()) as { token: string }).token;
}, 120_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  dir?.remove();
}, 30_000);

describe('rulecord plan / apply / pull against a running server', () => {
  it('plans, applies, shows no change after, and a per-rule field diff for an edit', async () => {
    writeFileSync(join(dir.path, 'guild.yaml'), ruleSet(HELLO + SHOUT));
    const first = await cli('plan', '--guild', guild, '--detailed-exitcode');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('+ rule hello');
    expect(first.stdout).toContain('+ rule no-shouting');
    expect(first.stdout).toMatch(/Plan: 2 to add, \d+ to change, 0 to remove\./);

    const applied = await cli('apply', '--guild', guild, 'guild.yaml', '--message', 'first');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied: guild \d+ is now at version \d+/);

    const none = await cli('plan', '--guild', guild, '--detailed-exitcode');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No changes.');

    writeFileSync(join(dir.path, 'guild.yaml'), ruleSet(HELLO.replace('Welcome!', 'Welcome, friend!')));
    const edit = await cli('plan', '--guild', guild, '--detailed-exitcode', '-o', 'plan.json');
    expect(edit.code).toBe(2);
    expect(edit.stdout).toContain('~ rule hello\n    ~ then/0/message.send/content: "Welcome!" → "Welcome, friend!"');
    expect(edit.stdout).toContain('- rule no-shouting');
    expect(edit.stdout).toContain('Plan: 0 to add, 1 to change, 1 to remove.');
    expect(JSON.parse(readFileSync(join(dir.path, 'plan.json'), 'utf8'))).toMatchObject({
      kind: 'RulecordPlan',
      guildId: guild,
    });

    const done = await cli('apply', 'plan.json');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Applied');
  }, 60_000);

  it('refuses a stale plan: the live version moved after the plan was made', async () => {
    writeFileSync(join(dir.path, 'guild.yaml'), ruleSet(HELLO + SHOUT));
    expect((await cli('plan', '--guild', guild, '-o', 'stale.json')).code).toBe(0);
    // Someone else changes the live rule set (e.g. in the studio) before the reviewed plan is applied.
    writeFileSync(join(dir.path, 'other.yaml'), ruleSet(HELLO.replace('Welcome!', 'Hi!')));
    expect((await cli('apply', '--guild', guild, 'other.yaml')).code).toBe(0);
    const stale = await cli('apply', 'stale.json');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /stale plan: it was made against version \d+, but the live rule set is now at version \d+\. Nothing was applied\. \[RC_PLAN_STALE\]/,
    );
    const live = await cli('pull', '--guild', guild);
    expect(live.stdout).toContain('Hi!');
  }, 60_000);

  it('pulls the live rule set as YAML, keeping the comments of the file it updates', async () => {
    writeFileSync(join(dir.path, 'pulled.yaml'), ruleSet(HELLO));
    const r = await cli('pull', '--guild', guild, '-o', 'pulled.yaml');
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir.path, 'pulled.yaml'), 'utf8');
    expect(text).toContain('# Our rules, kept in git.');
    expect(text).toContain('# greet newcomers');
    expect((parseYaml(text) as { rules: { then: unknown[] }[] }).rules[0]?.then).toEqual([
      { 'message.send': { content: 'Hi!' } },
    ]);
    const dsl = await cli('pull', '--guild', guild, '--format', 'dsl', '-o', 'live.rules');
    expect(dsl.code).toBe(0);
    expect(existsSync(join(dir.path, 'live.rules'))).toBe(true);
    expect(readFileSync(join(dir.path, 'live.rules'), 'utf8')).toContain('rule hello');
  }, 60_000);

  it('says clearly when the token is wrong or the server is unreachable', async () => {
    const refused = await runCommand(['pull', '--guild', guild], {
      cwd: dir.path,
      env: { RULECORD_URL: url, RULECORD_TOKEN: 'rct_wrong' },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the server refused the token');
    const port = await freePort();
    const down = await runCommand(['pull', '--guild', guild], {
      cwd: dir.path,
      env: { RULECORD_URL: `http://127.0.0.1:${port}`, RULECORD_TOKEN: token },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach');
    expect((await runCommand(['plan', '--guild', guild], { cwd: dir.path })).code).toBe(2);
  }, 30_000);
});
