# Shopify's toxiproxy, the version the native runner builds, compiled from its Go module in place
# of the official ghcr image; curl for the WAN set-up step that posts the spec's proxies to it.
FROM debian:bookworm-slim AS build
ARG GO_DEB_VERSION=2:1.19~1
ARG CA_CERTIFICATES_DEB_VERSION=20250419~deb12u2
# toxiproxy needs a newer Go than Debian 12's: Debian's Go fetches that release of the Go
# toolchain as a module (golang.org/toolchain) through the Go module proxy (a module zip keeps
# no file modes, hence the chmod), then builds with it.
ARG GO_TOOLCHAIN=1.26.8
ARG TOXIPROXY_VERSION=v2.12.0
# Empty: Go's default module proxy.
ARG GOPROXY=
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "golang-go=$GO_DEB_VERSION" "ca-certificates=$CA_CERTIFICATES_DEB_VERSION" \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=secret,id=build_ca --mount=type=bind,source=deploy/images/with-build-ca.sh,target=/usr/local/bin/with-build-ca \
    with-build-ca sh -c 'set -eu \
 && export GOPATH=/go GOFLAGS=-modcacherw CGO_ENABLED=0 \
 && arch=$(dpkg --print-architecture) \
 && toolchain=$(cd /tmp && go mod download -json "golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN.linux-$arch" | sed -n "s/^\t\"Dir\": \"\(.*\)\",$/\1/p") \
 && chmod -R a+x "$toolchain/bin" "$toolchain/pkg/tool" \
 && GOTOOLCHAIN=local "$toolchain/bin/go" install -trimpath -ldflags="-s -w" \
      "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION" \
 && mv /go/bin/server /usr/local/bin/toxiproxy-server && mv /go/bin/cli /usr/local/bin/toxiproxy-cli \
 && rm -rf /go /root/.cache'

FROM debian:bookworm-slim
ARG CURL_DEB_VERSION=7.88.1-10+deb12u15
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "curl=$CURL_DEB_VERSION" \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/toxiproxy-server /usr/local/bin/toxiproxy-cli /usr/local/bin/
USER 65534:65534
ENTRYPOINT ["toxiproxy-server"]
