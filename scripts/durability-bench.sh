#!/usr/bin/env bash
# Sale commit latency, async against semi-sync, on ONE running fleet started with
# `--durability semi-sync`: between bench runs it switches the writer's master side off and on
# at run time (root over the writer's socket), A B A B, so machine noise shows next to the
# difference. Everything else (the replicas' slave side, the data, the processes) stays as is.
#   bash -c 'trap "pnpm fleet down" EXIT; pnpm fleet up --detach --durability semi-sync && scripts/durability-bench.sh'
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."
state=${POS_FLEET_STATE_DIR:-.pos-fleet}
writer=$(jq -r .writer "$state/endpoints.json")
[ "$(jq -r .durability "$state/endpoints.json")" = semi-sync ] || { echo "start the fleet with --durability semi-sync" >&2; exit 2; }
root() { mariadb -S "$state/regions/$writer/mariadb/run/mariadb.sock" -uroot --batch --skip-column-names -e "$1"; }
for mode in async semi-sync async semi-sync; do
  root "SET GLOBAL rpl_semi_sync_master_enabled = $([ "$mode" = async ] && echo OFF || echo ON)"
  echo "== $mode: $(root "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_status'" | tr '\t' ' '), $(root "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'" | tr '\t' ' ')"
  pnpm --silent fleet bench --duration "${BENCH_READS:-2s}" --rate 50 --writes "${BENCH_WRITES:-40}" | sed -n '/sale commit/,$p'
done
