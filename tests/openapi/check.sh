#!/usr/bin/env bash
# The API as its users' tools see it. Starts the built appliance (Release) on a loopback port, its engine driving a
# network namespace of its own with one veth as the WAN; fetches the OpenAPI document it serves; lints it with Redocly
# CLI and Spectral (any warning fails; exceptions are in redocly.yaml, .redocly.lint-ignore.yaml and .spectral.yaml,
# each with its reason); generates a typed client with openapi-typescript, type-checks client.test.ts against it and
# runs it on node's test runner against the appliance. Needs root (the namespace), node >= 20.19 and npm. The npm
# packages are installed once per package-lock.json into APPLIANCE_NPM_CACHE (default ~/.cache/appliance/openapi-checks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/lib/common.sh"
root=$(repo_root)
require_root "the appliance's engine runs in a network namespace of its own (ip netns)"
ensure_packages "${KERNEL_PACKAGES[@]}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  ensure_packages nodejs npm
fi
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || die "node >= 20.19 is required (found $(node --version))"
dll=$root/Appliance.Web/bin/Release/net10.0/Appliance.Web.dll
[ -f "$dll" ] || die "$dll is missing: build first (dotnet build Appliance.sln -c Release)"
start=$SECONDS

# The tools talk to nothing but the package registry: no telemetry, no update checks.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1 SCARF_ANALYTICS=false

# npm ci once per lock file; later runs find the packages in place (and npm's own cache serves a reinstall offline).
# --ignore-scripts: none of these packages needs an install script, and one would only report usage.
cache=${APPLIANCE_NPM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/appliance/openapi-checks}
modules=$cache/$(sha256sum "$here/package-lock.json" | cut -c1-16)
if [ ! -f "$modules/.installed" ]; then
  # The packages of an older lock file are not needed again (only folders named like ours are touched).
  [ -d "$cache" ] && find "$cache" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{16}' -exec rm -rf {} +
  mkdir -p "$modules"
  cp "$here/package.json" "$here/package-lock.json" "$modules/"
  (cd "$modules" && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)
  touch "$modules/.installed"
fi
bin=$modules/node_modules/.bin

work=$(mktemp -d /tmp/appliance-openapi.XXXXXX)
ns=apl-openapi-$$
pid=
cleanup() {
  local status=$?
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  ip netns del "$ns" 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ -s "$work/app.log" ]; then
    echo "--- the appliance's log (last 40 lines):"
    tail -n 40 "$work/app.log"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The engine's whole world: a namespace with one link up, the WAN the client test configures (test addresses only).
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add wan0 type veth peer name wan0-peer
ip -n "$ns" addr add 192.0.2.2/24 dev wan0
ip -n "$ns" link set wan0 up
ip -n "$ns" link set wan0-peer up

# As an admin scripts a box: the token from the console command, made before the appliance migrates the same database.
export Appliance__DataDirectory=$work/data
cd "$root/Appliance.Web"
token=$(dotnet "$dll" token create --name openapi-client --role admin)
[[ "$token" == apl_* ]] || die "the console command printed no token: $token"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
url=http://127.0.0.1:$port
# No installer on this bus address: the firmware service reports itself unavailable instead of asking the machine's;
# no factory configuration: the client test configures the appliance itself.
Appliance__Engine__NetworkNamespace=$ns Appliance__Factory__FirstBoot=false Firmware__BusAddress=unix:path=$work/no-bus Logging__LogLevel__Default=Warning \
  dotnet "$dll" --urls "$url" > "$work/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 480); do
  curl -sf -o /dev/null "$url/healthz" && break
  kill -0 "$pid" 2>/dev/null || die "the appliance exited while starting"
  sleep 0.25
done
curl -sf -o /dev/null "$url/healthz" || die "the appliance was not healthy within 2 minutes"
echo "openapi: appliance up on $url after $((SECONDS - start))s"

# Linted and compiled in separate folders: openapi-typescript would apply redocly.yaml's rules (without the ignore file) too.
mkdir "$work/lint" "$work/client"
curl -sf -H "Authorization: Bearer $token" -o "$work/lint/openapi.json" "$url/openapi/v1.json"
cp "$here/redocly.yaml" "$here/.redocly.lint-ignore.yaml" "$here/.spectral.yaml" "$work/lint/"
cp "$here/tsconfig.json" "$here/client.test.ts" "$work/client/"
ln -s "$modules/node_modules" "$work/client/node_modules"

cd "$work/lint"
echo "openapi: Redocly CLI (recommended-strict), at $((SECONDS - start))s"
"$bin/redocly" lint openapi.json --config redocly.yaml --format stylish
echo "openapi: Spectral (spectral:oas), at $((SECONDS - start))s"
"$bin/spectral" lint openapi.json --ruleset .spectral.yaml --fail-severity warn
echo "openapi: openapi-typescript, tsc, client test, at $((SECONDS - start))s"
cd "$work/client"
# A .ts file, so tsc checks the generated types although it skips the packages' declaration files.
"$bin/openapi-typescript" ../lint/openapi.json --output schema.ts
"$bin/tsc" -p tsconfig.json
echo "openapi: client test, at $((SECONDS - start))s"
APPLIANCE_URL=$url APPLIANCE_TOKEN=$token node --test out/client.test.js
echo "openapi: passed in $((SECONDS - start))s"
