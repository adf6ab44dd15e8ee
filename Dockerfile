# syntax=docker/dockerfile:1
#
# Two stages: "build" compiles TypeScript with the dev dependencies; "runtime"
# holds only production dependencies, the compiled dist/ and the schema/ that
# the server reads at run time (found by walking up from dist/src/graphql to
# the folder holding package.json and schema/, i.e. /app).
#
#   docker build -t verification-backend .
#   docker run -p 4000:4000 -e JWT_SECRET=... -e DATABASE_URL=postgres://... verification-backend
#
# Without DATABASE_URL the server uses embedded PGlite under DATA_DIR
# (/app/data, writable by the node user; mount a volume there to keep it).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# Codegen output is committed in src/generated: no codegen here.
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY migrations ./migrations
COPY src ./src
COPY scripts ./scripts
COPY web ./web
# The reviewers' desk, bundled by the build into dist/desk.
COPY desk ./desk
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /app/data \
 && chown node:node /app/data
COPY --from=build /app/dist ./dist
COPY schema ./schema

USER node
EXPOSE 4000
# Slim images have no curl: use Node's own fetch. 200 only when the database
# is reachable and migrated; 503 (or no answer) marks the container unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM directly (graceful stop).
CMD ["node", "dist/src/main.js"]
