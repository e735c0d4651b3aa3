/**
 * The catalog through the real engine: rule sets (hand-written and from templates) run in the simulator, with the
 * engine's router, variables, limits and recorder. What a guild admin would see in `rulecord test`.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '@rulecord/engine';
import type { JsonObject, SimStep } from '@rulecord/engine';
import { createCatalogRegistry } from '../src/index.js';

const registry = createCatalogRegistry();
const base = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: 'g1' };
const world = {
  members: [
    { id: 'u1', username: 'ada', roles: ['member'], accountAgeDays: 400 },
    { id: 'mod', username: 'mo', roles: ['moderator'], accountAgeDays: 900 },
    { id: 'fresh', username: 'newbie', roles: [], accountAgeDays: 1 },
  ],
  channels: [{ id: 'general' }, { id: 'mod-log' }, { id: 'welcome' }],
};

async function run(document: JsonObject, steps: SimStep[]) {
  const result = await simulate({ document: { ...base, ...document }, registry, world, steps });
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(result.ok).toBe(true);
  return result;
}
const say = (content: string, author = 'u1'): SimStep => ({
  event: 'message.create',
  with: { author, channel: 'general', content },
});

describe('catalog rules in the simulator', () => {
  it('DESIGN.md example: shouting is deleted and warned, the third warning times out, and it is logged', async () => {
    const result = await run(
      {
        modules: {
          moderation: {
            logChannel: 'mod-log',
            dmOnWarn: false,
            escalation: [
              { warnings: 3, action: 'timeout', duration: '1h' },
              { warnings: 5, action: 'ban' },
            ],
          },
        },
        rules: [
          {
            id: 'no-shouting',
            on: 'message.create',
            if: {
              all: [
                { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
                { fact: 'message.length', operator: 'greaterThanInclusive', value: 10 },
              ],
            },
            then: [
              { 'message.delete': {} },
              { 'member.warn': { user: '{{ author.id }}', reason: 'Too many capitals' } },
            ],
          },
        ],
      },
      [
        say('HELLO EVERYONE LOOK AT ME'),
        say('hello, quiet now'),
        say('STOP IGNORING ME'),
        say('WHY IS NOBODY ANSWERING'),
      ],
    );
    expect(result.actions.map((a) => a.action)).toEqual([
      'message.delete',
      'member.warn',
      'message.delete',
      'member.warn',
      'message.delete',
      'member.warn',
    ]);
    const methods = result.calls.map((c) => c.method);
    expect(methods.filter((m) => m === 'deleteMessage')).toHaveLength(3);
    expect(result.calls.find((c) => c.method === 'timeout')?.args.slice(0, 2)).toEqual(['u1', 3_600_000]);
    const logs = result.calls.filter((c) => c.method === 'sendMessage').map((c) => c.args[0]);
    expect(logs).toEqual(['mod-log', 'mod-log', 'mod-log']);
  });

  it('anti-spam@1 deletes the message that crosses the limit and times the author out once per burst', async () => {
    const steps: SimStep[] = [];
    for (let i = 0; i < 8; i++) {
      steps.push(say(`message number ${i}`), { advance: '500ms' });
    }
    const result = await run(
      { rules: [{ id: 'spam', use: { template: 'anti-spam@1', inputs: { maxMessages: 5, timeout: '5m' } } }] },
      steps,
    );
    expect(result.actions.map((a) => a.action)).toEqual(['message.delete', 'member.timeout']);
    expect(result.actions[0]?.rule).toBe('spam.stop-spam');
    expect(result.calls.find((c) => c.method === 'timeout')?.args.slice(0, 2)).toEqual(['u1', 300_000]);
  });

  it('anti-spam@1 catches the same text repeated slowly, and leaves exempt roles alone', async () => {
    const steps: SimStep[] = [];
    for (let i = 0; i < 3; i++) steps.push(say('FREE NITRO at example.com'), { advance: '15s' });
    for (let i = 0; i < 8; i++) steps.push(say(`mod says ${i}`, 'mod'));
    const result = await run(
      { rules: [{ id: 'spam', use: { template: 'anti-spam@1', inputs: { exemptRoles: ['moderator'] } } }] },
      steps,
    );
    expect(result.actions.map((a) => a.action)).toEqual(['message.delete', 'member.timeout']);
  });

  it('anti-invite@1 and bad-words@1: invites to other servers and listed words are removed, edits too', async () => {
    const result = await run(
      {
        rules: [
          { id: 'invites', use: { template: 'anti-invite@1', inputs: { allowedInvites: ['ours'] } } },
          { id: 'words', use: { template: 'bad-words@1', inputs: { words: ['idiot'] } } },
        ],
      },
      [
        say('come to discord.gg/ours for events'),
        say('better server: https://discord.com/invite/theirs'),
        say('you are such an IDIOT'),
        say('idiotic is not a listed word'),
        { event: 'message.update', with: { author: 'u1', channel: 'general', content: 'edited: discord.gg/sneaky' } },
      ],
    );
    expect(result.actions.map((a) => `${a.rule}:${a.action}`)).toEqual([
      'invites.delete-invites:message.delete',
      'invites.delete-invites:member.warn',
      'words.delete-bad-words:message.delete',
      'words.delete-bad-words:member.warn',
      'invites.delete-invites:message.delete',
      'invites.delete-invites:member.warn',
    ]);
  });

  it('caps-filter@1 posts its notice with the mention rendered and nobody pinged', async () => {
    const result = await run({ rules: [{ id: 'caps', use: { template: 'caps-filter@1' } }] }, [
      say('THIS IS VERY LOUD TEXT'),
      say('OK'),
    ]);
    expect(result.actions.map((a) => a.action)).toEqual(['message.delete', 'message.send']);
    const sent = result.calls.find((c) => c.method === 'sendMessage');
    expect(sent?.args).toEqual([
      'general',
      { content: "<@u1>, please don't shout.", allowedMentions: { users: [], roles: [], everyone: false } },
    ]);
  });

  it('welcome-message@1 and new-account-gate@1 on joins', async () => {
    const result = await run(
      {
        rules: [
          { id: 'welcome', use: { template: 'welcome-message@1', inputs: { channel: 'welcome' } } },
          { id: 'gate', use: { template: 'new-account-gate@1', inputs: { quarantineRole: 'quarantine' } } },
        ],
      },
      [
        { event: 'member.join', with: { user: 'u1' } },
        { event: 'member.join', with: { user: 'fresh' } },
      ],
    );
    expect(result.actions.map((a) => `${a.rule}:${a.action}`)).toEqual([
      'welcome.greet:message.send',
      'welcome.greet:message.send',
      'gate.quarantine-new-accounts:role.add',
      'gate.quarantine-new-accounts:member.dm',
    ]);
    const greeting = result.calls.find((c) => c.method === 'sendMessage');
    expect((greeting?.args[1] as { content: string }).content).toMatch(/^Welcome to .+, <@u1>! 👋$/);
    expect(result.calls.find((c) => c.method === 'addRole')?.args.slice(0, 2)).toEqual(['fresh', 'quarantine']);
  });

  it('a verify button gives the role and answers ephemerally; a schedule tick posts its reminder', async () => {
    const result = await run(
      {
        modules: { schedule: { schedules: [{ id: 'weekly', cron: '0 18 * * 5' }] } },
        rules: [
          {
            id: 'verify',
            on: 'interaction.button',
            if: { all: [{ fact: 'event.customId', operator: 'equal', value: 'verify' }] },
            then: [
              { 'role.toggle': { role: 'verified' }, as: 'toggle' },
              { 'interaction.reply': { content: 'Done', ephemeral: true } },
            ],
          },
          {
            id: 'reminder',
            on: 'schedule.tick',
            if: { all: [{ fact: 'event.scheduleId', operator: 'equal', value: 'weekly' }] },
            then: [{ 'message.send': { channel: 'general', content: 'Game night!' } }],
          },
        ],
      },
      [
        { event: 'interaction.button', with: { user: 'u1', customId: 'verify' } },
        { event: 'schedule.tick', with: { scheduleId: 'weekly' } },
      ],
    );
    expect(result.actions.map((a) => a.action)).toEqual(['role.toggle', 'interaction.reply', 'message.send']);
    expect(result.calls.find((c) => c.method === 'replyInteraction')?.args[2]).toMatchObject({
      content: 'Done',
      ephemeral: true,
    });
  });
});
