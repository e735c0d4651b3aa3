import { describe, expect, it } from 'vitest';
import type { JsonObject, RuleEvent } from '../../src/index.js';
import { GUILD, harness, load, message } from './fixtures.js';

async function rendered(reason: string, event: RuleEvent, on = event.type): Promise<unknown> {
  const h = await harness();
  load(h, [{ id: 'r', on, then: [{ 'member.warn': { user: 'someone', reason } }] }], { test: { greeting: 'hey' } });
  const [run] = await h.engine.dispatch(event);
  expect(run?.outcome).toBe('fired');
  return h.probe.actions[0]?.params.reason;
}

const ping = (payload: JsonObject): RuleEvent => ({
  id: `p-${Math.random()}`,
  guildId: GUILD,
  type: 'custom.ping',
  at: 0,
  payload,
});

describe('variables the engine resolves for a run', () => {
  it('user/author/member read the event first and Discord for the rest', async () => {
    expect(
      await rendered(
        '{{ user }};{{ user.mention }};{{ user.name }};{{ user.displayName }};{{ author.username }};{{ member.roles | join }}',
        message('hi'),
      ),
    ).toBe('u1;<@u1>;ada;Ada;ada;member');
  });

  it('channel and guild read the event id, an inline object, or Discord', async () => {
    expect(
      await rendered(
        '{{ channel }};{{ channel.mention }};{{ channel.name }};{{ guild }};{{ guild.name }}',
        message('hi'),
      ),
    ).toBe('general;<#general>;general;g1;Test Guild');
    expect(
      await rendered(
        '{{ channel.name }};{{ guild.name }};{{ guild.id }}',
        ping({ channel: { id: 'c1', name: 'inline' }, guild: { name: 'Inline Guild' } }),
      ),
    ).toBe('inline;Inline Guild;g1');
  });

  it('an event about no user and no channel renders those variables empty', async () => {
    expect(
      await rendered(
        '[{{ user }}][{{ user.mention }}][{{ user.name }}][{{ channel.mention }}][{{ channel.name }}]',
        ping({}),
      ),
    ).toBe('[][][][][]');
  });

  it('settings, rule and now: module settings, the rule id and mode, and nothing under now', async () => {
    expect(
      await rendered('{{ settings.test.greeting }};{{ rule.id }};{{ rule.mode }};[{{ now.year }}]', message('hi')),
    ).toBe('hey;r;enforce;[]');
  });
});
