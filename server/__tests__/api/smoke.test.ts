import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, doc, owner, snowflake, SHOUT_RULE, type Harness } from './harness.js';

describe('api smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ redis: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('logs in through OAuth and stores a rule set', async () => {
    const g = snowflake();
    const c = await h.login(owner(h, [g]));
    const put = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: c.write,
      payload: { document: doc(g, [SHOUT_RULE]), message: 'first' },
    });
    expect(put.statusCode, put.body).toBe(200);
    const get = await h.inject({ method: 'GET', url: `/api/guilds/${g}/ruleset`, headers: c.read });
    expect(get.statusCode).toBe(200);
    expect(get.headers.etag).toBe('"1"');
  });
});
