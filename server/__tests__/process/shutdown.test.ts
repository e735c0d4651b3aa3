import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, rulecordBin, spawnNode, tempDir } from '../../src/testing/index.js';
import type { SpawnedProcess } from '../../src/testing/index.js';

const runner = fileURLToPath(new URL('./fixtures/run-fixture.mjs', import.meta.url));
const slowServer = fileURLToPath(new URL('./fixtures/slow-server.ts', import.meta.url));

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const spawned: SpawnedProcess[] = [];
afterEach(() => {
  for (const p of spawned.splice(0)) p.kill();
});

describe('graceful shutdown', () => {
  it('finishes a request in flight on SIGTERM, refuses new ones, and exits 0', async () => {
    const port = await freePort();
    const p = spawnNode([runner, slowServer], { env: { PORT: String(port), SLOW_MS: '1500' } });
    spawned.push(p);
    await p.waitFor(/listening/);
    const inFlight = get(`http://127.0.0.1:${port}/api/slow`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    p.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(get(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    expect(await inFlight).toEqual({ status: 200, body: '{"finished":true}' });
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(p.stdout()).toContain('stopped');
  });

  it('cuts a request that outlasts the grace period and still exits 0 in time', async () => {
    const port = await freePort();
    const p = spawnNode([runner, slowServer], { env: { PORT: String(port), SLOW_MS: '60000', GRACE_MS: '500' } });
    spawned.push(p);
    await p.waitFor(/listening/);
    const stuck = get(`http://127.0.0.1:${port}/api/slow`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = Date.now();
    p.child.kill('SIGTERM');
    await expect(stuck).rejects.toThrow(/socket hang up|ECONNRESET/);
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - sent).toBeLessThan(5_000);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '`rulecord start` stops on %s within 10 s with exit code 0',
    { timeout: 120_000 },
    async (signal) => {
      const dir = tempDir();
      try {
        const port = await freePort();
        const p = spawnNode([rulecordBin, 'start'], { cwd: dir.path, env: { PORT: String(port), LOG_LEVEL: 'info' } });
        spawned.push(p);
        const [, url] = await p.waitFor(/Rulecord is running at (\S+)/, 60_000);
        expect(url).toBe(`http://localhost:${port}`);
        expect((await get(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        const sent = Date.now();
        p.child.kill(signal);
        const exit = await p.exited;
        expect(exit.code).toBe(0);
        expect(Date.now() - sent).toBeLessThan(10_000);
        expect(p.stdout()).toContain('"msg":"rulecord stopped"');
        expect(p.stdout()).toContain(`"signal":"${signal}"`);
      } finally {
        dir.remove();
      }
    },
  );
});
