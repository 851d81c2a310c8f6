#!/bin/bash
# kafka-ready.sh PORT: healthy once the broker has logged that it started and accepts connections
# on PORT. Cheap on purpose: a Kafka client would start a JVM at every check.
set -eu
grep -q 'Kafka Server started' /tmp/kafka-raft-server.log 2>/dev/null
exec 3<>"/dev/tcp/127.0.0.1/$1"
