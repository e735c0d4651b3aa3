import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, substituteInputs } from '@rulecord/engine';

describe('durations at their edges', () => {
  it('refuses a duration too long to count in milliseconds', () => {
    expect(() => parseDuration('999999999999w')).toThrow(expect.objectContaining({ code: 'RC_BAD_DURATION' }));
    expect(() => parseDuration('999999999999w')).toThrow(/it is too long/);
  });

  it('formatDuration refuses negative, fractional and unsafe numbers', () => {
    for (const ms of [-1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN]) {
      expect(() => formatDuration(ms), String(ms)).toThrow(expect.objectContaining({ code: 'RC_BAD_DURATION' }));
    }
    expect(formatDuration(90_061_001)).toBe('1d1h1m1s1ms');
  });
});

describe('template input substitution at its edges', () => {
  it('inside text, a missing input is reported and the placeholder stays; objects and lists are written as JSON', () => {
    const missing = new Set<string>();
    expect(
      substituteInputs(
        'max {{ inputs.max }}, roles {{ inputs.roles }}, {{ inputs.cfg.a }} {{ inputs.nope.x }}',
        { max: 3, roles: ['a', 'b'], cfg: { a: 'x' } },
        missing,
      ),
    ).toBe('max 3, roles ["a","b"], x {{ inputs.nope.x }}');
    expect([...missing]).toEqual(['inputs.nope.x']);
  });

  it('an exact placeholder reads list items by index and reports an index out of range', () => {
    const missing = new Set<string>();
    expect(
      substituteInputs({ a: '{{ inputs.list.1 }}', b: ['{{ inputs.list.5 }}'] }, { list: [10, 20] }, missing),
    ).toEqual({ a: 20, b: ['{{ inputs.list.5 }}'] });
    expect([...missing]).toEqual(['inputs.list.5']);
  });

  it('leaves numbers, booleans and null untouched', () => {
    expect(substituteInputs([1, true, null], { x: 1 })).toEqual([1, true, null]);
  });
});
