#!/bin/sh
# kafka-entrypoint.sh SERVER_PROPERTIES: formats the log directory the properties name (once,
# with CLUSTER_ID, required) and runs the KRaft broker in the foreground. KAFKA_JVM_OPTS: heap
# and collector flags.
set -eu
# The options are split into words below; the class path's * is Java's, not the shell's.
set -f
props=${1:?usage: kafka-entrypoint.sh SERVER_PROPERTIES}
if [ -z "${CLUSTER_ID:-}" ]; then echo 'kafka: CLUSTER_ID must be set' >&2; exit 2; fi
logdir=$(sed -n 's/^log\.dirs=//p' "$props")
java_opts="${KAFKA_JVM_OPTS:-} -Dlog4j.configuration=file:/opt/kafka/log4j.properties -cp /opt/kafka/libs/*"
# A restarted broker keeps its log: formatting again with another id would be refused.
if [ ! -f "$logdir/meta.properties" ]; then
  # shellcheck disable=SC2086
  java $java_opts kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$props" --ignore-formatted
fi
# shellcheck disable=SC2086
exec java $java_opts kafka.Kafka "$props"
