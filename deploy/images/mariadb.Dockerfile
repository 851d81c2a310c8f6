# MariaDB 10.11 from Debian's own package — the same build as the native runner's — in place of
# the official mariadb image. Settings, accounts and replication come from the deployment spec
# through docker-compose.yml; this image only initialises an empty data directory and starts the
# server as the unprivileged `mysql` user.
FROM debian:bookworm-slim
ARG MARIADB_DEB_VERSION=1:10.11.19-0+deb12u1
# A fixed uid/gid (Debian's package would pick the next free one), so a tmpfs for the socket
# can be given to it: `tmpfs: /run/mysqld:uid=999,gid=999`.
RUN groupadd --system --gid 999 mysql \
 && useradd --system --uid 999 --gid mysql --home-dir /nonexistent --shell /bin/false mysql
RUN --mount=type=secret,id=build_ca --mount=type=bind,source=deploy/images/with-build-ca.sh,target=/usr/local/bin/with-build-ca \
    with-build-ca sh -c 'apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "mariadb-server=$MARIADB_DEB_VERSION" "mariadb-client=$MARIADB_DEB_VERSION" \
 && rm -rf /var/lib/apt/lists/* /var/lib/mysql/* /etc/mysql/mariadb.conf.d/50-server.cnf' \
 && mkdir -p /run/mysqld \
 && chown mysql:mysql /run/mysqld /var/lib/mysql
COPY deploy/images/mariadb-entrypoint.sh /usr/local/bin/mariadb-entrypoint.sh
USER mysql
VOLUME /var/lib/mysql
ENTRYPOINT ["mariadb-entrypoint.sh"]
CMD ["mariadbd"]
