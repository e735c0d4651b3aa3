// fast-check generators of valid rule documents for the test module set (fixtures/modules.ts).
import fc from 'fast-check';

const id = fc.stringMatching(/^[0-9]{3,18}$/);
const word = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{') && !s.includes('}'));
const duration = fc.oneof(
  fc.constantFrom('30s', '10m', '1h30m', '2d', '1w', '500ms'),
  fc.nat({ max: 10_000_000 }),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom('s', 'm', 'h', 'd', 'w')).map(([n, u]) => `${n}${u}`),
);
const variable = fc.constantFrom(
  '{{ author.id }}',
  '{{ user.id }}',
  '{{ event.channelId }}',
  '{{ facts.xp.level }}',
  '{{ event.value | default: 3 }}',
);

const messageFacts = ['message.length', 'message.capsRatio', 'message.content'];
const anyEventFacts = ['author.accountAgeDays', 'author.roles', 'xp.level', 'event.content', 'event.author.id', 'now'];

const leaf = (facts: readonly string[]) =>
  fc.oneof(
    fc.record({
      fact: fc.constantFrom(...facts),
      operator: fc.constantFrom('greaterThan', 'lessThan', 'greaterThanInclusive', 'lessThanInclusive'),
      value: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    }),
    fc.record({
      fact: fc.constantFrom(...facts),
      operator: fc.constantFrom('equal', 'notEqual'),
      value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    }),
    fc.record({
      fact: fc.constantFrom(...facts),
      operator: fc.constantFrom('in', 'notIn'),
      value: fc.array(fc.string(), { maxLength: 3 }),
    }),
    fc.record({
      fact: fc.constantFrom(...facts),
      operator: fc.constant('equal'),
      value: fc.record({ fact: fc.constantFrom(...facts) }),
    }),
    fc.record(
      {
        fact: fc.constantFrom(...facts),
        operator: fc.constant('equal'),
        value: fc.string(),
        path: fc.constantFrom('a', 'a.b', 'roles.0'),
      },
      { requiredKeys: ['fact', 'operator', 'value'] },
    ),
  );

const condition = (facts: readonly string[]) =>
  fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf(facts), tie('all'), tie('any'), tie('not')),
    all: fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    any: fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    not: fc.record({ not: tie('node') }),
  })).node;

const anyEventAction = fc.oneof(
  fc.record({ 'member.warn': fc.record({ user: fc.oneof(id, variable), reason: word }, { requiredKeys: ['user'] }) }),
  fc.record({
    'member.timeout': fc.record(
      {
        user: fc.oneof(id, variable),
        duration: fc.oneof(duration, variable),
        notify: fc.oneof(fc.constantFrom('dm', 'channel', 'none'), variable),
      },
      { requiredKeys: ['user', 'duration'] },
    ),
  }),
  fc.record({
    'role.add': fc.record(
      { user: fc.oneof(id, variable), role: id, days: fc.oneof(fc.integer({ min: 1, max: 400 }), variable) },
      { requiredKeys: ['user', 'role'] },
    ),
  }),
  fc.record({
    'message.send': fc.record(
      {
        channel: fc.oneof(id, variable),
        content: fc.oneof(
          word,
          word.map((w) => `${w} {{ author.mention }}`),
        ),
        silent: fc.boolean(),
        deleteAfter: duration,
      },
      { requiredKeys: ['channel', 'content'] },
    ),
  }),
  fc.record({ 'xp.add': fc.record({ amount: fc.integer({ min: 1, max: 1000 }) }) }),
);
const messageAction = fc.oneof(
  anyEventAction,
  fc.record({ 'message.delete': fc.record({ reason: word }, { requiredKeys: [] }) }),
);

const options = fc.record(
  {
    retry: fc.record({ attempts: fc.integer({ min: 1, max: 10 }), backoff: duration }, { requiredKeys: ['attempts'] }),
    onError: fc.constantFrom('stop', 'continue'),
  },
  { requiredKeys: [] },
);

const steps = (action: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(action, options).map(([a, o]) => ({ ...a, ...o })) },
        { weight: 1, arbitrary: fc.record({ wait: duration }) },
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((generated) => {
      const list = generated as Record<string, unknown>[];
      // Give the first action step a name and let a later one read it.
      const first = list.findIndex((s) => !('wait' in s));
      const later = list.findIndex((s, i) => i > first && !('wait' in s) && 'member.warn' in s);
      if (first >= 0 && later > first) {
        list[first] = { ...list[first], as: 'first' };
        list[later] = { 'member.warn': { user: '1', reason: 'after {{ steps.first.id }}' } };
      }
      return list;
    });

const idFilter = fc.record(
  { in: fc.uniqueArray(id, { maxLength: 3 }), notIn: fc.uniqueArray(id, { maxLength: 3 }) },
  { requiredKeys: [] },
);
const where = fc.record(
  {
    channel: idFilter,
    user: idFilter,
    roles: fc.record(
      {
        any: fc.uniqueArray(id, { maxLength: 2 }),
        all: fc.uniqueArray(id, { maxLength: 2 }),
        none: fc.uniqueArray(id, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    bots: fc.boolean(),
  },
  { requiredKeys: [] },
);
const limitKey = fc.constantFrom('user', 'channel', 'guild');
const extras = fc.record(
  {
    description: word,
    enabled: fc.boolean(),
    where,
    mode: fc.constantFrom('enforce', 'shadow'),
    limits: fc.record(
      {
        cooldown: fc.record({ per: limitKey, window: duration }),
        rate: fc.record({ per: limitKey, max: fc.integer({ min: 1, max: 100 }), window: duration }),
      },
      { requiredKeys: [] },
    ),
    concurrency: fc.oneof(
      fc.constantFrom('parallel', 'drop', 'queue', 'restart'),
      fc.record(
        { mode: fc.constantFrom('parallel', 'drop', 'queue', 'restart'), per: limitKey },
        { requiredKeys: ['mode'] },
      ),
    ),
    tags: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const messageRule = fc.record({
  on: fc.constantFrom<string | string[]>('message.create', ['message.create', 'message.update']),
  if: fc.option(condition([...messageFacts, ...anyEventFacts]), { nil: undefined }),
  then: steps(messageAction),
  extra: extras,
});
const anyRule = fc.record({
  on: fc.constantFrom<string | string[]>('member.join', 'xp.levelUp', ['member.join', 'message.create']),
  if: fc.option(condition(anyEventFacts), { nil: undefined }),
  then: steps(anyEventAction),
  extra: extras,
});

const templateUse = fc.record(
  {
    template: fc.constantFrom('anti-spam', 'anti-spam@2'),
    inputs: fc.record(
      { logChannel: id, max: fc.integer({ min: 1, max: 50 }), window: duration, timeout: duration },
      { requiredKeys: ['logChannel'] },
    ),
    mode: fc.constantFrom('enforce', 'shadow'),
  },
  { requiredKeys: ['template', 'inputs'] },
);

const entry = fc.oneof(
  { weight: 3, arbitrary: messageRule },
  { weight: 3, arbitrary: anyRule },
  { weight: 1, arbitrary: templateUse.map((u) => ({ use: u })) },
);

/** A valid rule document (free tier) for the test module set. */
export const validDocument = fc
  .record({
    guild: id,
    spam: fc.record(
      {
        maxMentions: fc.integer({ min: 1, max: 20 }),
        exempt: fc.array(id, { maxLength: 2 }),
        escalation: fc.array(
          fc.record(
            { warnings: fc.integer({ min: 1, max: 9 }), action: fc.constantFrom('timeout', 'kick', 'ban'), duration },
            { requiredKeys: ['warnings', 'action'] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
    withModules: fc.boolean(),
    entries: fc.array(entry, { maxLength: 6 }),
  })
  // A fresh copy each time: constants (`constantFrom` lists) must not be shared between documents that tests mutate.
  .map(
    ({ guild, spam, withModules, entries }) =>
      structuredClone({
        apiVersion: 'rulecord/v1',
        kind: 'RuleSet',
        guild,
        ...(withModules ? { modules: { spam } } : {}),
        rules: entries.map((e, i) => {
          if ('use' in e) {
            const { mode, ...use } = e.use;
            return { id: `use-${i}`, use, ...(mode ? { mode } : {}) };
          }
          return { id: `rule-${i}`, on: e.on, ...(e.if ? { if: e.if } : {}), then: e.then, ...e.extra };
        }),
      }) as { apiVersion: string; kind: string; guild: string; modules?: unknown; rules: Record<string, unknown>[] },
  );
