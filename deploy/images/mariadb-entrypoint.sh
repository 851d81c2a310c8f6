#!/bin/sh
# Starts mariadbd with the given flags. An empty data directory is initialised first; root@'%'
# gets MARIADB_ROOT_PASSWORD (required) at every start through an init file that is not
# binlogged, so a replica's own root account never becomes an errant transaction.
set -eu
if [ -z "${MARIADB_ROOT_PASSWORD:-}" ]; then echo 'mariadb: MARIADB_ROOT_PASSWORD must be set' >&2; exit 2; fi
case "$MARIADB_ROOT_PASSWORD" in *\'* | *\\*) echo "mariadb: MARIADB_ROOT_PASSWORD must not contain ' or \\" >&2; exit 2 ;; esac
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
  echo "mariadb: initialising $datadir"
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=socket --skip-test-db >/dev/null
fi
init=/run/mysqld/init.sql
umask 077
cat >"$init" <<SQL
SET sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$MARIADB_ROOT_PASSWORD';
ALTER USER 'root'@'%' IDENTIFIED BY '$MARIADB_ROOT_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
SQL
if [ "${1:-}" = mariadbd ]; then shift; fi
exec mariadbd --datadir="$datadir" --socket=/run/mysqld/mysqld.sock --init-file="$init" "$@"
