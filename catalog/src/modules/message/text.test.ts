import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as text from './text.js';

describe('capsRatio', () => {
  it('measures capitals among cased letters only', () => {
    expect(text.capsRatio('HELLO')).toBe(1);
    expect(text.capsRatio('Hello')).toBe(0.2);
    expect(text.capsRatio('HELLO world')).toBe(0.5);
    expect(text.capsRatio('123 !!! ...')).toBe(0);
    expect(text.capsRatio('')).toBe(0);
    expect(text.capsRatio('ÉCOLE')).toBe(1);
    expect(text.capsRatio('日本語 OK')).toBe(1);
  });

  it('leaves out custom emoji, mentions and links', () => {
    expect(text.capsRatio('nice <:PogChamp:123456> <@&987> https://EXAMPLE.COM/ABC')).toBe(0);
  });

  it('is always within [0, 1]', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const r = text.capsRatio(s);
        return r >= 0 && r <= 1;
      }),
    );
  });

  it('is 1 for any upper-cased ASCII text with letters and 0 for its lower-cased form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z ]*[a-zA-Z][a-zA-Z ]*$/), (s) => {
        expect(text.capsRatio(s.toUpperCase())).toBe(1);
        expect(text.capsRatio(s.toLowerCase())).toBe(0);
      }),
    );
  });
});

describe('urls', () => {
  it('finds links and drops trailing punctuation', () => {
    expect(text.urls('see https://a.example/x, and (http://b.example/y).')).toEqual([
      'https://a.example/x',
      'http://b.example/y',
    ]);
    expect(text.urls('wiki https://en.wikipedia.org/wiki/Foo_(bar) ok')).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ]);
    expect(text.urls('<https://quiet.example/no-embed>')).toEqual(['https://quiet.example/no-embed']);
    expect(text.urls('no links here, just example.com')).toEqual([]);
    expect(text.urls('https://')).toEqual([]);
  });

  it('only returns substrings of the text that start with a scheme', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.webUrl()), { maxLength: 6 }), (parts) => {
        const s = parts.join(' ');
        for (const url of text.urls(s)) {
          expect(s.includes(url)).toBe(true);
          expect(url).toMatch(/^https?:\/\/\S+$/i);
        }
      }),
    );
  });

  it('finds every generated web URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 10 }), (url, noise) => {
        const found = text.urls(`look ${url} ${noise.replace(/\S/g, '')}`);
        expect(found.length).toBe(1);
        expect(url.startsWith(found[0] as string)).toBe(true);
      }),
    );
  });
});

describe('invites', () => {
  it('reads the invite forms', () => {
    expect(text.invites('join discord.gg/abc123 now')).toEqual(['abc123']);
    expect(text.invites('https://discord.com/invite/Cool-Server')).toEqual(['Cool-Server']);
    expect(text.invites('https://discordapp.com/invite/xyz and discord.gg/xyz')).toEqual(['xyz']);
    expect(text.invites('sneaky discord . gg / spam1')).toEqual(['spam1']);
    expect(text.invites('I like discord a lot')).toEqual([]);
    expect(text.invites('discord.com/channels/1/2')).toEqual([]);
  });

  it('finds a code wherever it is embedded, and every code found is in the text', () => {
    const code = fc.stringMatching(/^[a-zA-Z0-9]{2,16}$/);
    const form = fc.constantFrom(
      'discord.gg/',
      'https://discord.gg/',
      'https://discord.com/invite/',
      'discordapp.com/invite/',
    );
    fc.assert(
      fc.property(fc.string(), form, code, fc.string(), (before, prefix, c, after) => {
        const s = `${before} ${prefix}${c} ${after}`;
        const found = text.invites(s);
        expect(found).toContain(c);
        for (const f of found) expect(s.includes(f)).toBe(true);
      }),
    );
  });

  it('every invite written with a scheme is also found as a URL', () => {
    const code = fc.stringMatching(/^[a-z0-9]{2,16}$/);
    fc.assert(
      fc.property(code, fc.constantFrom('https://discord.gg/', 'https://discord.com/invite/'), (c, prefix) => {
        const s = `hey ${prefix}${c}!`;
        const [invite] = text.invites(s);
        expect(text.urls(s).some((u) => u.endsWith(`/${invite}`))).toBe(true);
      }),
    );
  });
});

describe('words, lines, length', () => {
  it('splits words, lower-cased, apostrophes kept inside', () => {
    expect(text.words("Don't SHOUT, ok? héllo 42")).toEqual(["don't", 'shout', 'ok', 'héllo', '42']);
    expect(text.words('')).toEqual([]);
  });

  it('words are lower-case and appear in the lower-cased text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const w of text.words(s)) {
          expect(w).toBe(w.toLowerCase());
          expect(s.toLowerCase().includes(w)).toBe(true);
        }
      }),
    );
  });

  it('counts lines and code points', () => {
    expect(text.lineCount('')).toBe(0);
    expect(text.lineCount('a')).toBe(1);
    expect(text.lineCount('a\nb\n')).toBe(3);
    expect(text.codePointLength('a😀b')).toBe(3);
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => text.codePointLength(s) === [...s].length));
  });
});

describe('repeatedCharsRatio', () => {
  it('measures characters repeating the previous one', () => {
    expect(text.repeatedCharsRatio('hello')).toBe(0.2);
    expect(text.repeatedCharsRatio('heyyyyy')).toBeCloseTo(4 / 7);
    expect(text.repeatedCharsRatio('')).toBe(0);
    expect(text.repeatedCharsRatio('a a a')).toBe(0);
  });
  it('is within [0, 1)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const r = text.repeatedCharsRatio(s);
        return r >= 0 && r < 1;
      }),
    );
  });
});

describe('zalgo, emoji, mentions', () => {
  it('measures stacked combining marks', () => {
    expect(text.maxCombiningRun('z̷̢̛a̶l̵g̸o̴')).toBe(3);
    expect(text.maxCombiningRun('café naïve')).toBe(0);
    expect(text.maxCombiningRun('cafe\u0301')).toBe(1);
    expect(text.maxCombiningRun('Tiếng Việt')).toBeLessThan(3);
  });

  it('finds no marks in text without them, and at least k stacked on a letter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 20 }), (s, k) => {
        const clean = s.normalize('NFC').replace(/\p{M}/gu, '');
        expect(text.maxCombiningRun(clean)).toBe(0);
        expect(text.maxCombiningRun(`${clean}a${'\u0336'.repeat(k)}`)).toBeGreaterThanOrEqual(k);
      }),
    );
  });

  it('counts n emoji as n, whatever ASCII text surrounds them', () => {
    const emoji = fc.constantFrom('😀', '👍🏽', '🇫🇷', '👨‍👩‍👧', '<:pog:123>', '<a:dance:456>', '1️⃣', '❤️');
    fc.assert(
      fc.property(fc.array(emoji, { maxLength: 10 }), fc.stringMatching(/^[a-z ]*$/), (list, words) => {
        expect(text.emojiCount(`${words} ${list.join(' ')} ${words}`)).toBe(list.length);
      }),
    );
  });

  it('counts emoji, a ZWJ sequence or a flag once', () => {
    expect(text.emojiCount('hi 😀😀 <:pog:123> <a:dance:456>')).toBe(4);
    expect(text.emojiCount('👨‍👩‍👧 🇫🇷 👍🏽 1️⃣')).toBe(4);
    expect(text.emojiCount('plain text')).toBe(0);
  });

  it('reads mentions from the text', () => {
    expect(text.mentionsInText('<@1> <@!1> <@&2> <#3> <@4>')).toEqual({ users: ['1', '4'], roles: ['2'] });
    expect(text.mentionsEveryone('hey @here')).toBe(true);
    expect(text.mentionsEveryone('mail me at a@b.c')).toBe(false);
  });
});
