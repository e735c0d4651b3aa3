import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commands } from '../../src/cli/commands/index.js';

// Docker cannot run where the tests run; these checks keep the deployment files in step with the code.
const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };

  it('runs PostgreSQL with pgvector and a Redis that never evicts, with AOF', () => {
    expect(compose.services.postgres?.image).toMatch(/^pgvector\/pgvector:pg1[5-9]$/);
    const redis = compose.services.redis?.command?.join(' ');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--appendonly yes');
  });

  it('runs the api, bot and worker roles from one image, each a registered command', () => {
    const names = commands.map((c) => c.name);
    for (const role of ['api', 'bot', 'worker']) {
      const service = compose.services[role];
      expect(service?.command, role).toEqual([role]);
      expect(names).toContain(role);
      expect(service?.image, role).toBe('rulecord:latest');
      expect(service?.environment?.DATABASE_URL, role).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(service?.environment?.REDIS_URL, role).toBe('redis://redis:6379');
      expect(service?.depends_on?.postgres?.condition, role).toBe('service_healthy');
      expect(Number.parseInt(service?.stop_grace_period ?? '0', 10), role).toBeGreaterThanOrEqual(10);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in one stage and runs as a non-root user in the last', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^USER root$/m);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "node", "server/bin/rulecord.mjs"]');
    expect(runtime).toContain('studio/.output/public');
  });

  it('copies every workspace manifest before npm ci', () => {
    const pkg = JSON.parse(read('package.json')) as { workspaces: string[] };
    const build = stages[0]!;
    const ci = build.indexOf('npm ci');
    for (const ws of pkg.workspaces) {
      const copy = build.indexOf(`COPY ${ws}/package.json ${ws}/`);
      expect(copy, ws).toBeGreaterThan(-1);
      expect(copy, ws).toBeLessThan(ci);
    }
  });

  it('keeps local state and secrets out of the build context', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '.rulecord', '.env']) expect(ignore).toContain(entry);
  });
});
