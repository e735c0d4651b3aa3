import { describe, expect, it } from 'vitest';
import { applyV8Settings } from '../../src/index.js';

describe('applyV8Settings', () => {
  it('applies Rulecord’s V8 settings unless RULECORD_V8_DEFAULTS=1 keeps every default', () => {
    expect(applyV8Settings({ RULECORD_V8_DEFAULTS: '1' })).toBe(false);
    expect(applyV8Settings({ RULECORD_V8_DEFAULTS: '0' })).toBe(true);
    expect(applyV8Settings({})).toBe(true);
  });
});
