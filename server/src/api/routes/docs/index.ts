import type { FastifyPluginAsync } from 'fastify';
import { documentSchema } from '@rulecord/engine';
import { buildOpenApi } from '../../openapi.js';
import { limit, type RouteOptions } from '../shared.js';

const VIEWER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rulecord API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}code{background:#f3f3f3;padding:0 .25rem}
h2{margin-top:2rem;border-bottom:1px solid #ddd}.m{display:inline-block;width:4.5rem;font-weight:bold}</style></head>
<body><h1>Rulecord API</h1><p>Machine-readable: <a href="/api/docs">/api/docs</a> (OpenAPI 3.1 JSON). Rule document schema:
<a href="/api/schemas/ruleset.json">/api/schemas/ruleset.json</a>.</p><div id="ops">Loading…</div>
<script>fetch('/api/docs').then(r=>r.json()).then(d=>{const el=document.getElementById('ops');el.textContent='';
const byTag={};for(const[p,ops]of Object.entries(d.paths))for(const[m,o]of Object.entries(ops)){const t=(o.tags&&o.tags[0])||'other';(byTag[t]=byTag[t]||[]).push([m,p,o])}
for(const[t,list]of Object.entries(byTag)){const h=document.createElement('h2');h.textContent=t;el.appendChild(h);
for(const[m,p,o]of list){const div=document.createElement('div');const s=document.createElement('span');s.className='m';s.textContent=m.toUpperCase();
const c=document.createElement('code');c.textContent=p;div.append(s,c,document.createTextNode(' — '+(o.summary||'')));el.appendChild(div)}}})</script></body></html>`;

/** The OpenAPI document (generated from the route schemas), a tiny viewer, and the engine's document schema. */
export const docsRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx, collector }) => {
  let cached: Record<string, unknown> | undefined;
  app.get(
    '/docs',
    { config: limit(ctx, 'read'), schema: { summary: 'This OpenAPI document', tags: ['docs'] } },
    async () => {
      cached ??= buildOpenApi(collector.routes, { version: '0.1.0', serverUrl: ctx.origin });
      return cached;
    },
  );
  app.get(
    '/docs/ui',
    { config: limit(ctx, 'read'), schema: { summary: 'A small HTML viewer of the OpenAPI document', tags: ['docs'] } },
    async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'",
        )
        .send(VIEWER),
  );
  app.get(
    '/schemas/ruleset.json',
    {
      config: limit(ctx, 'read'),
      schema: { summary: 'JSON Schema of a rule document (core + every module), from the engine', tags: ['docs'] },
    },
    async () => documentSchema(ctx.registry()),
  );
};
