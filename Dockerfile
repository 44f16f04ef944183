# The worker image: `affiliate-etl worker` (see docker-compose.yml). The project runs its
# TypeScript directly through tsx, which package.json lists under devDependencies, so the image
# installs the full locked tree (`--omit=dev` would drop tsx).
FROM node:20-slim

WORKDIR /app

COPY package.json package-lock.json ./
# Same fallback as scripts/ensure-deps.sh when npm ci rejects the lock's missing optional entries.
RUN (npm ci --no-audit --no-fund --loglevel=error || npm install --no-save --no-audit --no-fund --loglevel=error) \
    && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY drizzle ./drizzle
COPY tsconfig.json ./

USER node
ENTRYPOINT ["node", "bin/affiliate-etl.js"]
CMD ["worker"]
