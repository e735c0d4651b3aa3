import type { ValidateFunction } from 'ajv';
import type { ChannelInfo } from '../discord/port.js';
import type { Problem } from '../errors/error.js';
import { durationSchema } from '../model/duration.js';
import { getAtPointer, joinPointer, parsePointer } from '../model/pointer.js';
import { createAjv, fieldPath, translateAjvErrors } from '../schema/ajv.js';
import { NAME_PATTERN } from '../schema/core.js';
import type { SimStep } from './simulate.js';
import type { WorldSpec } from './world.js';

// The JSON Schema of what a simulation is given besides the rule set: the simulated guild (`world`) and the `steps`.
// One source for the simulator's own check, the API's simulate request (and so its OpenAPI document) and rule test
// files. Plain data, no `$ref`: the API embeds the pieces in its OpenAPI components as they are.

const id = (what: string) =>
  ({ type: 'string', minLength: 1, description: `${what} id: a Discord id, or a short one such as \`u1\`.` }) as const;
const text = (description: string) => ({ type: 'string', description }) as const;
const epochMs = (description: string) =>
  ({ type: 'integer', minimum: 0, description: `${description} (epoch milliseconds).` }) as const;

/** Every channel type the simulated world knows, as `ChannelInfo['type']` (kept complete by the check below). */
const CHANNEL_TYPES = ['text', 'voice', 'category', 'thread', 'forum', 'announcement', 'stage'] as const;

const memberSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  description: 'A member of the simulated guild. Only `id` is needed.',
  properties: {
    id: id('Member'),
    username: text('User name; default the id.'),
    displayName: text('Server nickname or display name.'),
    bot: { type: 'boolean', description: 'Whether it is a bot account; default false.' },
    roles: { type: 'array', items: id('Role'), description: 'Role ids it has; default none.' },
    accountAgeDays: {
      type: 'number',
      minimum: 0,
      description: 'Age of the Discord account in days, counted back from the start; default 365.',
    },
    createdAt: epochMs('When the account was created; overrides `accountAgeDays`'),
    joinedAt: epochMs('When it joined the guild; default 30 days before the start'),
    communicationDisabledUntil: {
      type: ['integer', 'null'],
      minimum: 0,
      description: 'Timed out until then (epoch milliseconds), or null.',
    },
  },
} as const;

const channelSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  description: 'A channel of the simulated guild.',
  properties: {
    id: id('Channel'),
    name: text('Channel name; default the id.'),
    type: { enum: CHANNEL_TYPES, description: 'Channel type; default `text`.' },
    parentId: { type: ['string', 'null'], description: 'Category (or, for a thread, channel) it is in.' },
  },
} as const;

const roleSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  description: 'A role of the simulated guild.',
  properties: {
    id: id('Role'),
    name: text('Role name; default the id.'),
    position: { type: 'integer', minimum: 0, description: 'Position in the role list; default its place here.' },
    color: { type: 'integer', minimum: 0, maximum: 0xffffff, description: 'Colour as a number (0xRRGGBB).' },
  },
} as const;

/**
 * The simulated guild: its members, channels and roles. A list that is given is closed (an event naming a member or
 * channel it does not list is a mistake); a list left out is open (any id goes). Without `roles`, the roles members
 * have exist.
 */
export const simWorldSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'The simulated guild (as in rule tests): members, channels, roles. A list given is closed; one left out accepts any id.',
  properties: {
    guild: {
      type: 'object',
      additionalProperties: false,
      description: 'The guild itself (its id is the rule set’s `guild`).',
      properties: {
        name: text('Guild name; default `Sandbox`.'),
        ownerId: text('Owner’s user id; default the first member.'),
        memberCount: { type: 'integer', minimum: 0, description: 'Member count; default the members listed.' },
      },
    },
    members: { type: 'array', items: memberSchema, description: 'Members; e.g. `[{ id: u1, roles: [member] }]`.' },
    channels: { type: 'array', items: channelSchema, description: 'Channels; e.g. `[{ id: general }]`.' },
    roles: { type: 'array', items: roleSchema, description: 'Roles; e.g. `[{ id: member }, { id: muted }]`.' },
  },
} as const;

const eventStepSchema = {
  type: 'object',
  required: ['event'],
  additionalProperties: false,
  description: 'An event, its payload built from the short `with` (see docs/rules.md, "Simulating events").',
  properties: {
    event: { type: 'string', pattern: NAME_PATTERN, description: 'The event type, `area.name`: `message.create`.' },
    with: {
      type: 'object',
      description: 'Short payload: `{ author: u1, channel: general, content: hi }`; other keys are copied as they are.',
    },
    id: { type: 'string', minLength: 1, description: 'Event id; default `sim-event-<n>` (repeat one to redeliver).' },
  },
} as const;

const advanceStepSchema = {
  type: 'object',
  required: ['advance'],
  additionalProperties: false,
  description: 'Moves the virtual clock; timers that fall due fire.',
  properties: { advance: durationSchema },
} as const;

/** One simulation step: `{ event, with?, id? }`, or `{ advance: <duration> }`. */
export const simStepSchema = {
  oneOf: [eventStepSchema, advanceStepSchema],
  description: 'A step: `{ event: message.create, with: { author: u1, content: hi } }` or `{ advance: 1h }`.',
} as const;

/** `world` and `steps` together, as a simulation (and a rule test case) takes them; both optional here. */
export const simInputSchema = {
  type: 'object',
  properties: {
    world: simWorldSchema,
    steps: { type: 'array', items: simStepSchema, description: 'What happens, in order.' },
  },
} as const;

const STEP_FIX = 'Write `{ event: message.create, with: { author: u1, content: hi } }` or `{ advance: 1h }`.';
const WORLD_FIX =
  'Describe the guild as `{ members: [{ id: u1, roles: [member] }], channels: [{ id: general }], roles: [{ id: member }] }`.';

let validator: ValidateFunction | undefined;

/**
 * The problems of a simulation's `world` and `steps` (either may be left out), each with a JSON pointer and a fix:
 * `RC_SIM_WORLD` under `/world`, `RC_SIM_STEP` under `/steps`. `base` prefixes the pointers (a rule test case:
 * `/cases/2`). `[]` when both fit the schema; what the schema cannot know (is the event installed? is the member
 * in the world?) is checked as the simulation runs.
 *
 * @example
 * checkSimInput({ steps: [{ advance: 'soon' }] });
 * // [{ code: 'RC_SIM_STEP', pointer: '/steps/0/advance', message: 'Field `steps[0].advance`: "soon" is not a duration: …', fix: … }]
 */
export function checkSimInput(input: { world?: unknown; steps?: unknown }, options: { base?: string } = {}): Problem[] {
  const base = options.base ?? '';
  const data: Record<string, unknown> = {};
  if (input.world !== undefined) data.world = input.world;
  if (input.steps !== undefined) data.steps = input.steps;
  validator ??= createAjv().compile(simInputSchema);
  if (validator(data)) return [];
  const problems = translateAjvErrors(validator.errors, data, {
    base: '',
    code: 'RC_SIM_STEP',
    noun: 'field',
    owner: '',
    root: 'The simulation input',
    codeFor: (path) => (path.startsWith('/world') ? 'RC_SIM_WORLD' : 'RC_SIM_STEP'),
  });
  const seen = new Set<string>();
  return problems.flatMap((problem) => {
    const out: Problem = { ...problem, ...explainStep(problem, data) };
    const key = `${out.pointer}\u0000${out.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    out.pointer = joinPointer(base, ...parsePointer(out.pointer));
    out.fix ??= out.code === 'RC_SIM_WORLD' ? WORLD_FIX : STEP_FIX;
    return [out];
  });
}

/** Says what a step needs where ajv can only name the first form's keys (its two forms are one or the other). */
function explainStep(problem: Problem, data: Record<string, unknown>): Partial<Problem> {
  const tokens = parsePointer(problem.pointer);
  if (tokens[0] !== 'steps' || tokens[1] === undefined) return {};
  const at = fieldPath(tokens.slice(0, 2));
  const step = getAtPointer(data, joinPointer('', 'steps', tokens[1]));
  if (typeof step !== 'object' || step === null || Array.isArray(step)) return {};
  const has = (key: string) => key in step;
  if (has('event') && has('advance') && tokens[2] !== undefined && /^Unknown/.test(problem.message)) {
    return {
      pointer: joinPointer('', 'steps', tokens[1]),
      message: `Step \`${at}\` has both \`event\` and \`advance\`; a step is one or the other.`,
      fix: 'Split it in two: `{ event: … }`, then `{ advance: … }`.',
    };
  }
  if (!has('event') && !has('advance')) {
    return {
      pointer: joinPointer('', 'steps', tokens[1]),
      message: `Step \`${at}\` needs \`event\` (an event name) or \`advance\` (a duration).`,
      fix: STEP_FIX,
    };
  }
  if (tokens.length === 3 && tokens[2] === 'advance')
    return { fix: 'Write a duration such as `30s`, `10m` or `1h30m`.' };
  if (tokens.length === 3 && tokens[2] === 'with') return { fix: 'Write `with: { author: u1, content: hi }`.' };
  return {};
}

// The schema and the TypeScript types describe one shape: these fail to compile when a key is added to one only.
type Keys<S> = S extends { properties: infer P } ? keyof P : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MemberSpec = NonNullable<WorldSpec['members']>[number];
type ChannelSpec = NonNullable<WorldSpec['channels']>[number];
type RoleSpec = NonNullable<WorldSpec['roles']>[number];
type EventStep = Extract<SimStep, { event: string }>;
const shapesAgree: [
  Same<Keys<typeof memberSchema>, keyof MemberSpec>,
  Same<Keys<typeof channelSchema>, keyof ChannelSpec>,
  Same<Keys<typeof roleSchema>, keyof RoleSpec>,
  Same<Keys<typeof simWorldSchema>, keyof WorldSpec>,
  Same<Keys<typeof eventStepSchema>, keyof EventStep>,
  Same<(typeof CHANNEL_TYPES)[number], ChannelInfo['type']>,
] = [true, true, true, true, true, true];
void shapesAgree;
