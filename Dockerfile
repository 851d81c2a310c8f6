# One image for every pos-fleet service; the process is chosen by working directory and command:
#   /app/storefront  /app/inventory-delta  /app/payments-worker  /app/payment-gateway-sandbox
#   /app/migrator (dist/main.js: schema migrations, optionally the demo seed)
# Each /app/<name> is a `pnpm deploy --prod` of that package: its compiled dist/ and its
# production dependencies only, workspace packages included as plain copies.
#
# No `# syntax=` line: the engine's built-in Dockerfile frontend is enough, and fetching another
# one needs an image registry.
# Base image pinned by exact version tag (Node 24 LTS). Its digest is not pinned here because it
# could not be verified offline; pin it with `docker buildx imagetools inspect node:24.21.0-bookworm-slim`.
# Behind a TLS-intercepting proxy, pass its CA as the build secret `build_ca` (README, "Docker
# Compose"): npm and pnpm trust it for their steps only (deploy/images/with-build-ca.sh).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The workspace's pnpm (package.json "packageManager"), installed with npm so no corepack signature check is involved.
RUN --mount=type=secret,id=build_ca --mount=type=bind,source=deploy/images/with-build-ca.sh,target=/usr/local/bin/with-build-ca \
    with-build-ca npm install -g pnpm@10.34.8 && pnpm --version
WORKDIR /repo
# patches/: pnpm-workspace.yaml's patchedDependencies (kafkajs), applied at every install and deploy below.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN --mount=type=secret,id=build_ca --mount=type=bind,source=deploy/images/with-build-ca.sh,target=/usr/local/bin/with-build-ca \
    with-build-ca pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm exec tsc -b
# A packed workspace package keeps dist/ and drizzle/ and drops sources, tests and build info
# (without an .npmignore, packing would fall back to .gitignore, which excludes dist/).
# A legacy deploy resolves each package's production dependencies again, from the registry.
RUN --mount=type=secret,id=build_ca --mount=type=bind,source=deploy/images/with-build-ca.sh,target=/usr/local/bin/with-build-ca \
    for pkg in packages/* services/*; do \
      printf 'src/\n*.tsbuildinfo\ntsconfig*.json\n**/*.test.*\n' > "$pkg/.npmignore"; \
    done \
 && for svc in storefront inventory-delta payments-worker payment-gateway-sandbox migrator; do \
      with-build-ca pnpm --filter "@pos-fleet/$svc" deploy --prod --legacy "/out/$svc"; \
    done

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="pos-fleet" \
      org.opencontainers.image.description="pos-fleet services: storefront, inventory-delta, payments-worker, payment-gateway-sandbox, migrator" \
      org.opencontainers.image.source="https://github.com/pos-fleet/pos-fleet" \
      org.opencontainers.image.url="https://github.com/pos-fleet/pos-fleet" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
# Application files belong to root and are read-only to the runtime user; only the sandbox
# gateway's ledger directory is writable (a volume in docker-compose.yml).
COPY --from=build /out /app
RUN mkdir -p /var/lib/pos-fleet/gateway \
 && chown -R node:node /var/lib/pos-fleet \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx /usr/local/lib/node_modules/corepack /usr/local/bin/corepack
# The official image's unprivileged `node` user (uid/gid 1000), numeric so runAsNonRoot can verify it.
USER 1000:1000
WORKDIR /app/storefront
EXPOSE 8080
CMD ["node", "--enable-source-maps", "--import", "@pos-fleet/platform/telemetry", "dist/server.js"]
