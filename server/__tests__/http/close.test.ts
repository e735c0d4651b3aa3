import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildHttpServer, closeGracefully } from '../../src/http/server.js';
import { captureLogger } from '../runtime/helpers.js';

async function serve(slowMs: number) {
  const { logger, lines } = captureLogger();
  const plugin: FastifyPluginAsync = async (app) => {
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      return { finished: true };
    });
  };
  const app = await buildHttpServer({ logger, api: { plugin: plugin as FastifyPluginAsync<never> }, studioDir: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, url, lines };
}

describe('closeGracefully', () => {
  it('lets a request in flight on a keep-alive connection finish, then closes at once and resolves true', async () => {
    const { app, url, lines } = await serve(150);
    const inFlight = fetch(`${url}/api/slow`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await closeGracefully(app, 2_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await inFlight).toEqual({ finished: true });
    expect(lines().filter((l) => l.level === 40)).toEqual([]);
  });

  it('cuts a request that outlasts the grace period, says so in the log, and resolves false', async () => {
    const { app, url, lines } = await serve(10_000);
    const inFlight = fetch(`${url}/api/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await closeGracefully(app, 200)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await inFlight).toBe('cut');
    expect(lines().find((l) => l.level === 40)).toMatchObject({
      graceMs: 200,
      msg: 'requests still running after the shutdown grace period; closing their connections',
    });
  });
});
