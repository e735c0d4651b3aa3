import { describe, expect, it } from 'vitest';
import { RulecordError, defineFact, defineModule } from '../../src/index.js';
import { harness, load, message } from './fixtures.js';

const failing = defineModule({
  id: 'failing',
  version: '1.0.0',
  name: 'Failing',
  description: 'facts that fail in odd ways',
  areas: ['custom'],
  facts: [
    defineFact({
      name: 'failing.text',
      description: 'throws a string',
      schema: { type: 'number' },
      resolve: () => {
        throw 'no data' as unknown as Error;
      },
    }),
    defineFact({
      name: 'failing.user',
      description: 'throws a user error',
      schema: { type: 'number' },
      resolve: () => {
        throw new RulecordError('RC_TEST_USER', 'the channel is gone', { kind: 'user', fix: 'Pick another channel.' });
      },
    }),
  ],
});

describe('a fact that fails', () => {
  it('a thrown non-Error becomes RC_FACT_FAILED naming the fact and what was thrown', async () => {
    const h = await harness({ modules: [failing] });
    load(h, [
      {
        id: 'r',
        on: 'message.create',
        if: { fact: 'failing.text', operator: 'equal', value: 1 },
        then: [{ 'log.trace': { message: 'x' } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('error');
    expect(run?.error).toMatchObject({
      code: 'RC_FACT_FAILED',
      kind: 'bug',
      message: 'The fact "failing.text" failed: no data',
    });
  });

  it('a RulecordError from a fact keeps its code, kind and fix', async () => {
    const h = await harness({ modules: [failing] });
    load(h, [
      {
        id: 'r',
        on: 'message.create',
        if: { fact: 'failing.user', operator: 'equal', value: 1 },
        then: [{ 'log.trace': { message: 'x' } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('error');
    expect(run?.error).toMatchObject({
      code: 'RC_TEST_USER',
      kind: 'user',
      message: 'the channel is gone',
      fix: 'Pick another channel.',
    });
  });
});
