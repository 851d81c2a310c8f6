#!/bin/sh
# with-build-ca COMMAND [ARG...]: runs one build step trusting the optional build secret
# `build_ca` — PEM certificates, e.g. the CA of a TLS-intercepting (corporate) proxy — on top of
# the image's own roots: for Node/npm/pnpm (NODE_EXTRA_CA_CERTS), Go, curl and git (SSL_CERT_FILE)
# and apt over https (APT_CONFIG). Without the secret the command runs unchanged. Nothing stays in
# the image: the secret is mounted for this step only and the bundle is removed after it.
set -eu
secret=/run/secrets/build_ca
if [ ! -s "$secret" ]; then exec "$@"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then cat /etc/ssl/certs/ca-certificates.crt "$secret" >"$work/bundle.pem"; else cat "$secret" >"$work/bundle.pem"; fi
printf 'Acquire::https::CaInfo "%s";\n' "$work/bundle.pem" >"$work/apt.conf"
NODE_EXTRA_CA_CERTS=$secret SSL_CERT_FILE=$work/bundle.pem GIT_SSL_CAINFO=$work/bundle.pem APT_CONFIG=$work/apt.conf "$@"
