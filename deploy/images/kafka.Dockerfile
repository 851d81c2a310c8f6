# Apache Kafka 3.9.1 in KRaft mode from its Maven Central jars — the same jars the native runner
# fetches (scripts/deps/kafka-pom.xml) — on Debian's Java 17 runtime, in place of the official
# apache/kafka image. The broker's properties come from the deployment spec (a file per region that
# docker-compose.yml mounts); this image formats an empty log directory and starts the broker.
FROM debian:bookworm-slim AS jars
ARG MAVEN_DEB_VERSION=3.8.7-1
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "maven=$MAVEN_DEB_VERSION" \
 && rm -rf /var/lib/apt/lists/*
# Java reads its trust store, not a PEM bundle: the build secret's certificates join this
# (discarded) stage's store, which ca-certificates-java turns into Java's.
RUN --mount=type=secret,id=build_ca \
    if [ -s /run/secrets/build_ca ]; then \
      awk '/BEGIN CERTIFICATE/ { n++ } n { print > ("/usr/local/share/ca-certificates/build-ca-" n ".crt") }' /run/secrets/build_ca \
      && update-ca-certificates >/dev/null; \
    fi
COPY scripts/deps/kafka-pom.xml /build/pom.xml
# The broker's runtime jars, plus kafka-tools (without its dependencies, which the broker's
# already are) for the topic and health commands the native runner does with kafkajs instead.
RUN cd /build \
 && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/opt/kafka/libs \
 && version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml) \
 && mvn -q -B dependency:copy -Dartifact="org.apache.kafka:kafka-tools:$version" -DoutputDirectory=/opt/kafka/libs

FROM debian:bookworm-slim
ARG JRE_DEB_VERSION=17.0.21.1+2-1~deb12u1
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "openjdk-17-jre-headless=$JRE_DEB_VERSION" \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 999 kafka \
 && useradd --system --uid 999 --gid kafka --home-dir /var/lib/kafka --no-create-home kafka \
 && mkdir -p /var/lib/kafka/data \
 && chown -R kafka:kafka /var/lib/kafka
COPY --from=jars /opt/kafka/libs /opt/kafka/libs
COPY deploy/images/kafka-log4j.properties /opt/kafka/log4j.properties
COPY deploy/images/kafka-entrypoint.sh deploy/images/kafka-topics.sh deploy/images/kafka-ready.sh /usr/local/bin/
USER kafka
VOLUME /var/lib/kafka/data
ENTRYPOINT ["kafka-entrypoint.sh"]
