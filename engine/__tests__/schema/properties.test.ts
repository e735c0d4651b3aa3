import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ENGINE_ERROR_CODES,
  compiledRegistry,
  getAtPointer,
  joinPointer,
  parsePointer,
  validateRuleSet,
} from '@rulecord/engine';
import { validDocument } from './arbitraries.js';
import { registry } from './helpers.js';

const codes = new Set<string>(ENGINE_ERROR_CODES.map((c) => c.code));

describe('validateRuleSet properties', () => {
  test('(a) every generated valid document validates with no problems, and the full schema accepts it', () => {
    fc.assert(
      fc.property(validDocument, (doc) => {
        const result = validateRuleSet(doc, registry, { tier: 'free' });
        expect(result.problems).toEqual([]);
        expect(result.ok).toBe(true);
        expect(compiledRegistry(registry).document(doc)).toBe(true);
        if (result.ok) {
          // Each written rule keeps its pointer; each template use yields `<use id>.flood`.
          for (const r of result.ruleSet.rules) {
            const at = getAtPointer(doc, r.pointer) as { id: string };
            expect(r.template ? `${at.id}.flood` : at.id).toBe(r.id);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  const anyInput = fc.oneof(
    fc.jsonValue(),
    fc.anything(),
    // A valid document with one value replaced by arbitrary JSON: the interesting inputs are nearly right.
    fc.tuple(validDocument, fc.nat(), fc.jsonValue()).map(([doc, pick, value]) => {
      const pointers: string[] = [];
      const walk = (v: unknown, at: string): void => {
        pointers.push(at);
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, joinPointer(at, i)));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, joinPointer(at, k));
      };
      walk(doc, '');
      const target = pointers[pick % pointers.length] ?? '';
      if (target === '') return value;
      const tokens = parsePointer(target);
      const last = tokens.pop()!;
      const parent = getAtPointer(doc, joinPointer('', ...tokens)) as Record<string, unknown>;
      parent[last] = value;
      return doc;
    }),
  );

  test('(b) never throws on any input, is deterministic, and every problem is well-formed', () => {
    fc.assert(
      fc.property(anyInput, fc.constantFrom('free' as const, 'premium' as const), (input, tier) => {
        const first = validateRuleSet(input, registry, { tier });
        const second = validateRuleSet(input, registry, { tier });
        expect(second).toEqual(first);
        expect(first.ok).toBe(!first.problems.some((p) => p.severity === 'error'));
        for (const p of first.problems) {
          expect(p.code).toMatch(/^RC_[A-Z_]+$/);
          expect(p.message.length).toBeGreaterThan(0);
          expect(() => parsePointer(p.pointer)).not.toThrow();
          if (p.code !== 'RC_BAD_SETTINGS' && p.pointer !== '') {
            // The place exists, or (a missing field) its parent does.
            const tokens = parsePointer(p.pointer);
            const exists =
              getAtPointer(input, p.pointer) !== undefined ||
              getAtPointer(input, joinPointer('', ...tokens.slice(0, -1))) !== undefined;
            expect(exists).toBe(true);
          }
        }
        for (const p of first.problems) if (codes.has(p.code)) expect(p.fix ?? '').not.toBe('');
        // Never ajv's cascade wording: every problem is explained.
        for (const p of first.problems)
          expect(p.message).not.toMatch(/must match "(then|else)" schema|schema in (anyOf|oneOf)|must pass "/);
      }),
      { numRuns: 300 },
    );
  });

  test('a {{ placeholder }} may stand for any parameter value', () => {
    const withParams = validDocument.filter((d) =>
      d.rules.some((r) => Array.isArray(r.then) && (r.then as object[]).some((s) => !('wait' in s))),
    );
    fc.assert(
      fc.property(
        withParams,
        fc.nat(),
        fc.constantFrom('{{ event.value }}', 'x {{ facts.xp.level }} y', '{{ event.reason | default: "none" }}'),
        (doc, pick, placeholder) => {
          // Every value inside the parameters of every action step, as [container, key].
          const slots: [Record<string, unknown> | unknown[], string | number][] = [];
          const walk = (container: Record<string, unknown> | unknown[]): void => {
            for (const [k, v] of Object.entries(container)) {
              const key = Array.isArray(container) ? Number(k) : k;
              slots.push([container, key]);
              if (v && typeof v === 'object') walk(v as Record<string, unknown>);
            }
          };
          for (const r of doc.rules) {
            if (!Array.isArray(r.then)) continue;
            for (const step of r.then as Record<string, unknown>[]) {
              const action = Object.keys(step).find((k) => k.includes('.'));
              if (action) {
                slots.push([step, action]);
                walk(step[action] as Record<string, unknown>);
              }
            }
          }
          if (slots.length === 0) return;
          const [container, key] = slots[pick % slots.length]!;
          (container as Record<string | number, unknown>)[key] = placeholder;
          expect(validateRuleSet(doc, registry, { tier: 'free' }).problems).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('one mistake, one problem, at its place', () => {
    const mistakes = fc.constantFrom('unknown-action', 'bad-mode', 'unknown-event', 'bad-param-type', 'duplicate-id');
    fc.assert(
      fc.property(
        validDocument.filter((d) => d.rules.some((r) => 'then' in r)),
        mistakes,
        (doc, mistake) => {
          const index = doc.rules.findIndex((r) => 'then' in r);
          const r = doc.rules[index] as Record<string, unknown> & { then: Record<string, unknown>[] };
          const at = `/rules/${index}`;
          let expected: string;
          switch (mistake) {
            case 'unknown-action': {
              const s = r.then.findIndex((step) => !('wait' in step));
              if (s < 0) return;
              const step = r.then[s]!;
              const name = Object.keys(step).find((k) => k.includes('.'))!;
              r.then[s] = { ...step, [`${name}x`]: step[name] };
              delete r.then[s]![name];
              expected = `RC_UNKNOWN_ACTION @ ${at}/then/${s}/${name}x`;
              break;
            }
            case 'bad-mode':
              r.mode = 'loud';
              expected = `RC_BAD_RULE @ ${at}/mode`;
              break;
            case 'unknown-event':
              r.on = 'message.nope';
              // Facts and actions bound to message events are then checked against no known event.
              expected = `RC_UNKNOWN_EVENT @ ${at}/on`;
              break;
            case 'bad-param-type': {
              const s = r.then.findIndex(
                (step) => 'member.warn' in step || 'role.add' in step || 'member.timeout' in step,
              );
              if (s < 0) return;
              const name = Object.keys(r.then[s]!).find((k) => k.includes('.'))!;
              (r.then[s]![name] as Record<string, unknown>).user = 42;
              expected = `RC_BAD_PARAM @ ${at}/then/${s}/${name}/user`;
              break;
            }
            case 'duplicate-id':
              doc.rules.push({ ...r, id: r.id as string } as never);
              expected = `RC_DUPLICATE_RULE_ID @ /rules/${doc.rules.length - 1}/id`;
              break;
          }
          const found = validateRuleSet(doc, registry, { tier: 'free' }).problems.map(
            (p) => `${p.code} @ ${p.pointer}`,
          );
          expect(found).toEqual([expected]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
