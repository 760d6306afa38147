# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY actions ./actions
# Vendor SDKs, OpenTelemetry, Sentry and zod are peers of the package and devDependencies of this
# repository, so `npm prune --omit=dev` would drop them; this image serves whichever vendor is
# configured, so it drops the development tools only.
RUN npx tsc -p tsconfig.build.json && date > dist/.build-stamp \
 && npm uninstall --no-save --no-audit --no-fund $(node -p "const p = require('./package.json'); Object.keys(p.devDependencies).filter((n) => !(n in p.peerDependencies)).join(' ')")

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=5055 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# `docker compose exec actions node scripts/seed.js` loads the demo orders into PostgreSQL.
COPY scripts/seed.js ./scripts/seed.js
COPY rasa-project/domain.yml ./rasa-project/domain.yml
# The SQL migrations are read at start; tsc does not copy them into dist/.
COPY src/store/migrations ./src/store/migrations
# The embedded database (used when DATABASE_URL is unset) needs a folder the node user can write.
RUN mkdir -p /data && chown node:node /data
ENV DATA_DIR=/data
COPY dialogflow.mapping.json ./
USER node
EXPOSE 5055
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:5055/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/actionbridge.js", "serve"]
