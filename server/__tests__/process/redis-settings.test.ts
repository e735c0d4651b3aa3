import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RulecordError } from '@rulecord/engine';
import { connectRedis } from '../../src/process/redis.js';
import { startRedisServer } from '../../src/testing/index.js';
import type { OwnRedis } from '../../src/testing/index.js';

describe('connectRedis on a Redis that hides its settings (an ACL user without INFO, as on some managed services)', () => {
  let own: OwnRedis;
  beforeAll(async () => {
    own = await startRedisServer(['--user', 'default', 'on', '>hunter2', '~*', '&*', '+@all', '-info']);
  });
  afterAll(() => own.stop());

  it('refuses it with RC_REDIS_UNREACHABLE naming what failed and how to fix it, the password masked', async () => {
    const url = `redis://:hunter2@127.0.0.1:${own.port}`;
    const error = await connectRedis(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RulecordError);
    expect(error).toMatchObject({
      code: 'RC_REDIS_UNREACHABLE',
      kind: 'transient',
      fix: expect.stringContaining('ACL: +info') as unknown,
    });
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot read Redis settings at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${own.port}: NOPERM`, 'i'),
    );
    expect((error as Error).message).not.toContain('hunter2');
  });
});
