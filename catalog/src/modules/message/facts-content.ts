import { defineFact } from '@rulecord/engine';
import { MESSAGE_CONTENT_EVENTS } from '../../lib/events.js';
import { contentOf } from './payload.js';
import * as text from './text.js';

const events = [...MESSAGE_CONTENT_EVENTS];
const ratio = { type: 'number', minimum: 0, maximum: 1 } as const;
const count = { type: 'integer', minimum: 0 } as const;

export const content = defineFact<string>({
  name: 'message.content',
  description:
    'The text of the message, as written. Use `message.words` to match whole words without caring about case.',
  schema: { type: 'string' },
  events,
  cost: 'cheap',
  examples: ['gg everyone', ''],
  resolve: (ctx) => contentOf(ctx),
});

export const length = defineFact<number>({
  name: 'message.length',
  description: 'Number of characters in the message text (an emoji counts as one). 0 for an attachment-only message.',
  schema: count,
  events,
  cost: 'cheap',
  examples: [11, 0],
  resolve: (ctx) => text.codePointLength(contentOf(ctx)),
});

export const lineCount = defineFact<number>({
  name: 'message.lineCount',
  description: 'Number of lines in the message text (0 when empty). Catches wall-of-text spam.',
  schema: count,
  events,
  cost: 'cheap',
  examples: [1, 12],
  resolve: (ctx) => text.lineCount(contentOf(ctx)),
});

export const words = defineFact<string[]>({
  name: 'message.words',
  description:
    "The words of the message, lower-cased, in order (letters and digits; `don't` stays one word). Pair with `containsAny` for a word filter: it matches whole words only, so `class` does not match `ass`.",
  schema: { type: 'array', items: { type: 'string' } },
  events,
  cost: 'cheap',
  examples: [
    ['hello', 'world'],
    ["don't", 'do', 'that'],
  ],
  resolve: (ctx) => text.words(contentOf(ctx)),
});

export const capsRatio = defineFact<number>({
  name: 'message.capsRatio',
  description:
    'Share of capital letters among the letters that have a case, from 0 to 1 (0 when there are none). Custom emoji, mentions and links are left out. Combine with `message.length` so that a short "OK" is not shouting.',
  schema: ratio,
  events,
  cost: 'cheap',
  examples: [0.85, 0],
  resolve: (ctx) => text.capsRatio(contentOf(ctx)),
});

export const repeatedCharsRatio = defineFact<number>({
  name: 'message.repeatedCharsRatio',
  description:
    'Share of characters (spaces left out) that repeat the character right before them, from 0 to 1: `heyyyyy` → 0.57, `hello` → 0.2. High values mean key-mashing or stretched words.',
  schema: ratio,
  events,
  cost: 'cheap',
  examples: [0.57, 0.2],
  resolve: (ctx) => text.repeatedCharsRatio(contentOf(ctx)),
});

export const zalgo = defineFact<boolean>({
  name: 'message.zalgo',
  description:
    'Whether the text stacks combining marks on a letter (z̷̢̛a̶l̵g̸o̴ text that spills over other messages). `params.marks` sets how many marks on one letter count (default 3; some scripts legitimately use two).',
  schema: { type: 'boolean' },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { marks: { type: 'integer', minimum: 2, maximum: 50, default: 3 } },
  },
  events,
  cost: 'cheap',
  examples: [true, false],
  resolve: (ctx, params) => {
    const marks = typeof params?.['marks'] === 'number' ? params['marks'] : 3;
    return text.maxCombiningRun(contentOf(ctx)) >= marks;
  },
});

export const contentFacts = [content, length, lineCount, words, capsRatio, repeatedCharsRatio, zalgo];
