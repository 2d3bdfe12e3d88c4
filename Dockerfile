# syntax=docker/dockerfile:1
#
# One image for both roles. The service runs from its TypeScript sources
# through tsx (a production dependency): no build step, and the solver's
# worker threads load the same sources.
#
#   docker build -t beatplan .
#   docker run -e API_KEYS=acme:$(openssl rand -hex 16) -p 3000:3000 beatplan      # API
#   docker run -e REDIS_URL=redis://redis:6379 beatplan src/worker.ts              # worker
#
# `docker build --target test .` runs the typecheck and the tests that need no
# Redis in a throwaway stage.

ARG NODE_IMAGE=node:20-bookworm-slim

# Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Everything, for the typecheck and tests (not part of the runtime image).
FROM ${NODE_IMAGE} AS test
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run typecheck && npx vitest run --exclude 'test/production/**' --exclude 'test/jobs/**'

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKER_HTTP_PORT=3001
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY solver ./solver
# Root owns the files; the service runs as the unprivileged `node` user and cannot change its own code.
USER node
EXPOSE 3000 3001
# The API answers on PORT; a worker container has no API, so the check falls back to its WORKER_HTTP_PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const e=process.env,u=(p)=>fetch('http://127.0.0.1:'+p+'/healthz');u(e.PORT).catch(()=>u(e.WORKER_HTTP_PORT)).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (graceful shutdown); no npm in between to swallow signals.
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["src/server.ts"]
