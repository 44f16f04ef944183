# The worker image: `affiliate-etl worker` (see docker-compose.yml). Two stages: `build` installs the
# whole locked tree and compiles src/ to dist/ (npm run build); the final stage installs production
# dependencies only (--omit=dev: no TypeScript, no tsx) and copies the compiled code, so the bin
# runs dist/cli.js directly. test/integration/package/dockerfile.test.ts runs these stages' commands.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Same fallback as scripts/ensure-deps.sh when npm ci rejects the lock's missing optional entries.
RUN npm ci --include=dev --no-audit --no-fund --loglevel=error \
    || npm install --include=dev --no-save --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production \
    METRICS_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
RUN (npm ci --omit=dev --no-audit --no-fund --loglevel=error \
    || npm install --omit=dev --no-save --no-audit --no-fund --loglevel=error) \
    && npm cache clean --force
COPY bin ./bin
COPY drizzle ./drizzle
COPY --from=build /app/dist ./dist
# Files stay root-owned (read-only to the process); the worker writes nothing to disk.
USER node
EXPOSE 9464
# Liveness on the worker's METRICS_PORT (/healthz answers once the worker is up). A one-shot command
# run from this image (e.g. `migrate`) has no such endpoint: disable the check there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.js"]
ENTRYPOINT ["node", "bin/affiliate-etl.js"]
CMD ["worker"]
