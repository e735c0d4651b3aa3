// The rule set life cycle through the API: plan → apply → diff → restore, template uses, simulation of the live set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, doc, owner, ownedGuild, snowflake, SHOUT_RULE, type Client, type Harness } from './harness.js';

describe('rule set life cycle', () => {
  let h: Harness;
  let c: Client;
  let g: string;
  let call: Awaited<ReturnType<typeof ownedGuild>>['call'];
  beforeAll(async () => {
    h = await createHarness({ kind: 'pglite' });
    ({ guildId: g, client: c, call } = await ownedGuild(h));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('plans against nothing, applies, re-plans as a no-op, and applies the no-op without a new version', async () => {
    expect((await call('GET', '/ruleset')).statusCode).toBe(404);
    const plan = (await call('POST', '/ruleset/plan', { document: doc(g, [SHOUT_RULE]) })).json();
    expect(plan).toMatchObject({
      valid: true,
      fromVersion: 0,
      rules: { added: ['no-shouting'] },
      resolvedRules: { added: ['no-shouting'] },
      noop: false,
    });
    const applied = await call('POST', '/ruleset/apply', {
      document: doc(g, [SHOUT_RULE]),
      expectedVersion: plan.fromVersion,
      message: 'first',
    });
    expect(applied.json()).toMatchObject({ applied: true, version: 1 });
    expect(applied.headers.etag).toBe('"1"');
    const again = (await call('POST', '/ruleset/plan', { document: doc(g, [SHOUT_RULE]) })).json();
    expect(again).toMatchObject({ fromVersion: 1, noop: true, changes: [], rules: { unchanged: 1 } });
    const noop = await call('POST', '/ruleset/apply', { document: doc(g, [SHOUT_RULE]) });
    expect(noop.json()).toMatchObject({ applied: false, version: 1 });
    expect((await call('GET', '/ruleset/versions')).json().versions).toHaveLength(1);
  });

  it('an invalid plan is 200 with valid:false and every problem; apply of it is 400', async () => {
    const bad = doc(g, [{ ...SHOUT_RULE, then: [{ 'message.explode': {} }] }]);
    const plan = (await call('POST', '/ruleset/plan', { document: bad })).json();
    expect(plan.valid).toBe(false);
    expect(plan.problems[0].pointer).toMatch(/^\/document\/rules\/0\/then\/0/);
    expect((await call('POST', '/ruleset/apply', { document: bad })).statusCode).toBe(400);
  });

  it('PUT with the right If-Match, diff between versions, restore', async () => {
    const changed = { ...SHOUT_RULE, description: 'changed' };
    const put = await call(
      'PUT',
      '/ruleset',
      { document: doc(g, [changed]), message: 'describe' },
      { 'if-match': '"1"' },
    );
    expect(put.statusCode, put.body).toBe(200);
    const diff = (await call('GET', '/ruleset/diff?from=1&to=2')).json();
    expect(diff).toMatchObject({ from: 1, to: 2, rules: { changed: ['no-shouting'] } });
    expect(diff.changes).toContainEqual({ op: 'add', pointer: '/rules/0/description', after: 'changed' });
    expect((await call('GET', '/ruleset/diff?from=7')).statusCode).toBe(404);
    expect((await call('GET', '/ruleset/diff?from=1&to=9')).statusCode).toBe(404);
    const restored = await call('POST', '/ruleset/versions/1/restore', {});
    expect(restored.json()).toMatchObject({ version: 3, restoredFrom: 1 });
    expect((await call('GET', '/ruleset')).json().document.rules[0].description).toBeUndefined();
    expect((await call('POST', '/ruleset/versions/42/restore', {})).statusCode).toBe(404);
    const audit = (await call('GET', '/audit')).json().entries.map((e: { action: string }) => e.action);
    expect(audit.slice(0, 3)).toEqual(['ruleset.restore', 'ruleset.update', 'ruleset.apply']);
    expect((await call('PUT', '/ruleset', { document: doc(g) }, { 'if-match': 'banana' })).statusCode).toBe(400);
    expect(
      (await call('PUT', '/ruleset', { document: doc(g), expectedVersion: 3 }, { 'if-match': '"2"' })).statusCode,
    ).toBe(400);
  });

  it('uses a template (inputs validated), refuses a duplicate id, shows it in the plan as instantiated rules', async () => {
    const use = await call('POST', '/templates/caps-filter@1/use', { inputs: { threshold: 0.9 }, as: 'caps' });
    expect(use.statusCode, use.body).toBe(200);
    const dup = await call('POST', '/templates/caps-filter/use', { inputs: {}, as: 'caps' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.details.problems[0].pointer).toBe('/as');
    expect((await call('POST', '/templates/no-such-template/use', {})).statusCode).toBe(404);
    const live = (await call('GET', '/ruleset')).json();
    expect(live.document.rules.at(-1)).toEqual({
      id: 'caps',
      use: { template: 'caps-filter@1', inputs: { threshold: 0.9 } },
    });
    const without = { ...live.document, rules: live.document.rules.slice(0, -1) };
    const plan = (await call('POST', '/ruleset/plan', { document: without })).json();
    expect(plan.rules.removed).toEqual(['caps']);
    expect(plan.resolvedRules.removed.length).toBeGreaterThan(0);
    expect(plan.resolvedRules.removed.every((id: string) => id.startsWith('caps'))).toBe(true);
  });

  it('settings: modules on and off through the rule document', async () => {
    const on = await h.inject({
      method: 'PATCH',
      url: `/api/guilds/${g}/settings`,
      headers: c.write,
      payload: { modules: { moderation: { logChannel: '1234' } } },
    });
    expect(on.statusCode, on.body).toBe(200);
    let s = (await call('GET', '/settings')).json();
    expect(s.modules.find((m: { id: string }) => m.id === 'moderation')).toMatchObject({
      enabled: true,
      settings: { logChannel: '1234' },
    });
    const off = await h.inject({
      method: 'PATCH',
      url: `/api/guilds/${g}/settings`,
      headers: c.write,
      payload: { modules: { moderation: null } },
    });
    expect(off.statusCode).toBe(200);
    s = (await call('GET', '/settings')).json();
    expect(s.modules.find((m: { id: string }) => m.id === 'moderation')).toMatchObject({
      enabled: false,
      settings: null,
    });
    const unknown = await h.inject({
      method: 'PATCH',
      url: `/api/guilds/${g}/settings`,
      headers: c.write,
      payload: { modules: { 'no/such': {} } },
    });
    expect(unknown.json().error.details.problems[0]).toMatchObject({
      pointer: '/modules/no~1such',
      code: 'RC_API_UNKNOWN_MODULE',
    });
  });

  it('simulates the live rule set when no document is sent, and reports simulator input errors as 400', async () => {
    const sim = await call('POST', '/simulate', {
      world: { members: [{ id: 'u1' }], channels: [{ id: 'general' }] },
      steps: [
        { event: 'message.create', with: { author: 'u1', channel: 'general', content: 'WHY IS EVERYONE SO QUIET' } },
      ],
    });
    expect(sim.statusCode, sim.body).toBe(200);
    expect(sim.json().actions.map((a: { action: string }) => a.action)).toContain('message.delete');
    const bad = await call('POST', '/simulate', { steps: [{ event: 'message.create', with: {} }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems[0].pointer).toMatch(/^\/steps\/0/);
    const invalidDoc = await call('POST', '/simulate', {
      document: doc(g, [{ ...SHOUT_RULE, on: 'nope.nope' }]),
      steps: [{ advance: '1m' }],
    });
    expect(invalidDoc.statusCode).toBe(400);
    const other = snowflake();
    const c2 = await h.login(owner(h, [other]));
    const none = await h.inject({
      method: 'POST',
      url: `/api/guilds/${other}/simulate`,
      headers: c2.write,
      payload: { steps: [{ advance: '1m' }] },
    });
    expect(none.statusCode).toBe(404);
  });

  it('history pages with ?before; a diff of a guild without rule set is 404; apply without a version applies to the live one', async () => {
    const { guildId: fresh, call: at } = await ownedGuild(h);
    const diff = await at('GET', '/ruleset/diff?from=0');
    expect(diff.statusCode).toBe(404);
    expect(diff.json().error.message).toContain('(live)');
    for (let n = 1; n <= 3; n++) {
      const applied = await at('POST', '/ruleset/apply', { document: doc(fresh, [{ ...SHOUT_RULE, id: `r${n}` }]) });
      expect(applied.json(), applied.body).toMatchObject({ applied: true, version: n });
    }
    const page = (await at('GET', '/ruleset/versions?before=3&limit=1')).json();
    expect(page.versions.map((v: { version: number }) => v.version)).toEqual([2]);
    expect((await at('GET', '/ruleset/versions')).json().versions).toHaveLength(3);
  });

  it('settings and template uses honour If-Match like PUT ruleset', async () => {
    const { guildId: fresh, client: c2 } = await ownedGuild(h);
    const send = (method: 'PATCH' | 'POST', url: string, payload: object, ifMatch?: string) =>
      h.inject({
        method,
        url: `/api/guilds/${fresh}${url}`,
        headers: { ...c2.write, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
        payload,
      });
    // no rule set yet: a template use creates one (version 0 → 1); inputs may be left to their defaults
    const first = await send('POST', '/templates/caps-filter/use', { expectedVersion: 0 });
    expect(first.json(), first.body).toMatchObject({ version: 1, previous: 0, ruleId: 'caps-filter' });
    const bad = await send('PATCH', '/settings', { modules: { moderation: {} } }, 'yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems[0]).toMatchObject({ in: 'headers', pointer: '/if-match' });
    const disagree = await send('PATCH', '/settings', { modules: { moderation: {} }, expectedVersion: 1 }, '"2"');
    expect(disagree.json().error.details.problems[0]).toMatchObject({ pointer: '/expectedVersion' });
    const stale = await send('POST', '/templates/caps-filter/use', { as: 'caps2' }, '"0"');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details).toEqual({ expectedVersion: 0, currentVersion: 1 });
    const ok = await send('PATCH', '/settings', { modules: { moderation: { logChannel: '42' } } }, '"1"');
    expect(ok.json(), ok.body).toMatchObject({ version: 2, previous: 1 });
    expect((await send('POST', '/templates/caps-filter/use', { as: 'caps3' }, 'W/"2"')).json()).toMatchObject({
      version: 3,
      ruleId: 'caps3',
    });
    const notThere = await h.inject({ method: 'GET', url: '/api/templates/no-such-template', headers: c2.read });
    expect(notThere.statusCode).toBe(404);
    expect(notThere.json().error.code).toBe('RC_API_NOT_FOUND');
  });

  it('settings on a guild without rule set create its first version', async () => {
    const { guildId: fresh, client: c2 } = await ownedGuild(h);
    const res = await h.inject({
      method: 'PATCH',
      url: `/api/guilds/${fresh}/settings`,
      headers: { ...c2.write, 'if-match': '"0"' },
      payload: { modules: { moderation: { logChannel: '7' } } },
    });
    expect(res.json(), res.body).toMatchObject({ version: 1, previous: 0 });
    const live = await h.inject({ method: 'GET', url: `/api/guilds/${fresh}/ruleset`, headers: c2.read });
    expect(live.json().document).toEqual(doc(fresh, [], { modules: { moderation: { logChannel: '7' } } }));
  });

  it('restore without a message says what it restored; a plan of a document without rules removes every rule', async () => {
    const { guildId: fresh, call: at } = await ownedGuild(h);
    await at('POST', '/ruleset/apply', { document: doc(fresh, [SHOUT_RULE]) });
    await at('POST', '/ruleset/apply', { document: doc(fresh, []) });
    const restored = await at('POST', '/ruleset/versions/1/restore');
    expect(restored.json(), restored.body).toMatchObject({ version: 3, restoredFrom: 1 });
    expect((await at('GET', '/ruleset/versions?limit=1')).json().versions[0].message).toBe('Restore version 1');
    const plan = (
      await at('POST', '/ruleset/plan', { document: { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: fresh } })
    ).json();
    expect(plan).toMatchObject({ valid: false, fromVersion: 3, resolvedRules: null });
    expect(plan.rules).toEqual({ added: [], removed: ['no-shouting'], changed: [], unchanged: 0 });
  });

  it('stores a document with warnings and answers them next to the new version; the audit log has before/after', async () => {
    const { guildId: fresh, client: c2 } = await ownedGuild(h);
    const rule = { ...SHOUT_RULE, if: { all: [{ fact: 'event.noSuchField', operator: 'equal', value: 1 }] } };
    const put = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${fresh}/ruleset`,
      headers: c2.write,
      payload: { document: doc(fresh, [rule]), message: 'with a warning' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().version).toBe(1);
    expect(put.json().warnings).toEqual([
      expect.objectContaining({
        in: 'body',
        severity: 'warning',
        pointer: expect.stringMatching(/^\/document\/rules\/0\//),
      }),
    ]);
    const audit = await h.inject({ method: 'GET', url: `/api/guilds/${fresh}/audit`, headers: c2.read });
    expect(audit.json().entries).toEqual([
      expect.objectContaining({
        action: 'ruleset.update',
        before: { version: 0 },
        after: { version: 1, message: 'with a warning' },
      }),
    ]);
  });

  it('a premium guild sees its tier', async () => {
    await h.db.knex('guilds').where({ id: g }).update({ tier: 'premium' });
    expect((await call('GET', '/premium')).json()).toMatchObject({
      tier: 'premium',
      premium: true,
      limits: { rules: 1000 },
    });
    expect((await h.inject({ method: 'GET', url: '/api/me/guilds', headers: c.read })).json().guilds[0]).toMatchObject({
      id: g,
      premium: true,
    });
  });
});
