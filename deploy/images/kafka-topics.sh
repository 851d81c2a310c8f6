#!/bin/sh
# kafka-topics.sh ARG...: Kafka's topic command (kafka-tools), as the distribution's bin/kafka-topics.sh.
set -eu
# shellcheck disable=SC2086
exec java ${KAFKA_TOOL_JVM_OPTS:--Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -Dlog4j.configuration=file:/opt/kafka/log4j.properties -cp '/opt/kafka/libs/*' \
  org.apache.kafka.tools.TopicCommand "$@"
