import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DURATION_PATTERN, RulecordError, formatDuration, isDuration, parseDuration } from '@rulecord/engine';

describe('parseDuration', () => {
  test.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['500ms', 500],
    ['1m30s500ms', 90_500],
    ['0s', 0],
    [0, 0],
    [250, 250],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', '10', '10x', '1 h', '30m1h', '1h1h', '-5s', '1.5h', 'h', 'ms', '10M'])(
    '%j is refused with RC_BAD_DURATION',
    (text) => {
      expect(() => parseDuration(text)).toThrow(RulecordError);
      try {
        parseDuration(text);
      } catch (e) {
        expect((e as RulecordError).code).toBe('RC_BAD_DURATION');
        expect((e as RulecordError).message).toContain('is not a duration');
        expect((e as RulecordError).fix).toContain('1h30m');
      }
    },
  );

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('the number %d is refused', (n) => {
    expect(() => parseDuration(n)).toThrow(/not a duration/);
  });

  test('a missing unit is named in the message', () => {
    expect(() => parseDuration('10')).toThrow('a unit is missing');
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [500, '500ms'],
    [30_000, '30s'],
    [5_400_000, '1h30m'],
    [604_800_000 + 86_400_000, '1w1d'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('round trip: parseDuration(formatDuration(ms)) === ms', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (ms) => {
        const text = formatDuration(ms);
        expect(new RegExp(DURATION_PATTERN).test(text)).toBe(true);
        expect(parseDuration(text)).toBe(ms);
      }),
    );
  });

  test('isDuration never throws and agrees with parseDuration', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^(\d{1,4}[wdhms]){1,3}$/), fc.double(), fc.anything()),
        (value) => {
          let parses = true;
          try {
            parseDuration(value as string);
          } catch (e) {
            expect((e as RulecordError).code).toBe('RC_BAD_DURATION');
            parses = false;
          }
          expect(isDuration(value)).toBe(parses);
        },
      ),
    );
  });
});
