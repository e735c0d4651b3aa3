import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionSet, type JsonObject, type WhereFilter } from '../../src/index.js';
import { checkWhere, whereCondition, whereSubject, whereValue } from '../../src/runtime/where.js';

// A few ids, so filters and events often meet.
const id = fc.constantFrom('a', 'b', 'c', 'd');
const ids = fc.array(id, { maxLength: 3 });
const idFilter = fc.record({ in: ids, notIn: ids }, { requiredKeys: [] });
const where: fc.Arbitrary<WhereFilter | undefined> = fc.option(
  fc.record(
    {
      channel: idFilter,
      user: idFilter,
      roles: fc.record({ any: ids, all: ids, none: ids }, { requiredKeys: [] }),
      bots: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
// Payloads in each shape the router reads: channelId or channel.id, author / user / member ids, roles in two places.
const payload: fc.Arbitrary<JsonObject> = fc
  .record(
    {
      channelId: id,
      channel: fc.record({ id }),
      userId: id,
      author: fc.record({ id, bot: fc.boolean() }, { requiredKeys: [] }),
      member: fc.record({ id, roles: ids, bot: fc.boolean() }, { requiredKeys: [] }),
      roles: ids,
      bot: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map((p) => p as JsonObject);

describe('compiled where filters', () => {
  it('answer as checkWhereOn does, on every filter, payload shape and event type (one memo for many filters)', () => {
    fc.assert(
      fc.property(
        fc.array(where, { minLength: 1, maxLength: 6 }),
        payload,
        fc.constantFrom('message.create', 'member.join', 'message.reactionAdd'),
        (filters, p, type) => {
          const set = new ConditionSet();
          const compiled = filters.map((w) => {
            const c = whereCondition(w);
            return c === null ? null : set.compile(c);
          });
          const memo = set.memo();
          const subject = whereSubject(type, p);
          const read = (name: string): unknown => whereValue(subject, name);
          filters.forEach((w, i) => {
            const c = compiled[i];
            const ours = c === null || c === undefined ? true : c.evaluateIn(read, memo, null);
            expect(ours).toBe(checkWhere(w, type, p, null));
          });
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('lets every event through only when nothing filters (bots: true and no lists)', () => {
    expect(whereCondition({ bots: true })).toBeNull();
    expect(whereCondition(undefined)).not.toBeNull(); // bots are skipped on message events by default
    expect(whereCondition({ bots: true, roles: { none: [] } })).not.toBeNull();
  });
});
