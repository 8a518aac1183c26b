# One image for every node of the network (docker-compose.yml runs it three times).
# Plain Dockerfile syntax only: the engine here uses the classic builder and cannot fetch a
# `# syntax=` frontend, so no BuildKit-only features (cache mounts, heredocs).

# --- build: compile TypeScript to dist/ -------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change, not on every edit to src/.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled output only ----------------------------
FROM node:24-bookworm-slim AS runtime
# glibc's malloc: blocks of 64 KiB and up get pages of their own, and free memory at the top of the
# heap goes back past 64 KiB, so the buffers a long chain passes through (its body, the answer to
# GET /nodes/resolve) are given back rather than kept for good (glibc lets the threshold drift up
# to 32 MiB otherwise). npm start and the bench set it the same way (test/deployed-command.test.ts).
ENV NODE_ENV=production PORT=5000 \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=65536
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The lessons `chainlab lesson run` plays (lessons/*.yaml).
COPY lessons ./lessons
# Files stay root-owned: the node only reads them, so a compromised process cannot rewrite its code.
# `chainlab` (the CLI, src/cli) is on the PATH: `docker compose exec node1 chainlab wallet new me`.
# /data is where a node keeps its chain when DATA_DIR=/data (docker-compose.yml). It belongs to
# `node`, and a fresh named volume mounted there copies that ownership. No VOLUME here: a node
# without DATA_DIR keeps nothing, and an anonymous volume per container would only pile up.
RUN mkdir /data && chown node:node /data \
    && chmod +x dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/chainlab
USER node
EXPOSE 5000
# The slim image has no curl; Node's own fetch probes the node. Exit 1 unless /health answers 200.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself (src/main.ts closes the server), so no init wrapper.
# A young generation of 4 MB semi-spaces rather than V8's default of up to 16: a node allocates in
# bursts (a 2.7 MB chain parsed, served, hashed) and would otherwise keep the larger young
# generation's memory for good. No optimising tier for WebAssembly: the only wasm here is fetch's
# HTTP parser (undici's llhttp), whose TurboFan compile after a few MB of peer answers took 20 MB of
# malloc on a helper thread that the process never gave back, for no gain a node can measure.
# --expose-gc: one memory-reducing collection after a long chain is adopted or restored, once the
# node is quiet (src/node/memory-release.ts). npm start and the bench (bench/processes.ts) run the same way.
CMD ["node", "--max-semi-space-size=4", "--no-wasm-tier-up", "--no-wasm-dynamic-tiering", "--expose-gc", "dist/main.js"]
