# syntax=docker/dockerfile:1
# One image for every Rulecord role: `rulecord start` (default), `rulecord api`, `rulecord bot`, `rulecord worker`.
# Stage 1 installs everything (native modules compile here) and builds the studio; stage 2 keeps production
# dependencies only and runs as the unprivileged `node` user.

ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# re2 builds from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NUXT_TELEMETRY_DISABLED=1
# Manifests first, so the dependency layer is cached until a package.json or the lock changes.
COPY package.json package-lock.json ./
COPY engine/package.json engine/
COPY dsl/package.json dsl/
COPY catalog/package.json catalog/
COPY server/package.json server/
COPY studio/package.json studio/
COPY examples/package.json examples/
COPY docs/package.json docs/
COPY scripts/ scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w studio \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NUXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    RULECORD_DATA_DIR=/data
WORKDIR /app
# tini forwards SIGTERM to node and reaps zombies, so graceful shutdown works as PID 1.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/engine ./engine
COPY --from=build --chown=node:node /app/dsl ./dsl
COPY --from=build --chown=node:node /app/catalog ./catalog
COPY --from=build --chown=node:node /app/server ./server
COPY --from=build --chown=node:node /app/studio/package.json ./studio/package.json
COPY --from=build --chown=node:node /app/studio/.output/public ./studio/.output/public
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "server/bin/rulecord.mjs"]
CMD ["start"]
