#!/usr/bin/env bash
# Runs every test: installs the real peers the interop tests drive (sipp, chromium, firefox-esr, openssl, kamailio,
# baresip, linphone-cli, redis, sox, espeak-ng, tshark, libopus),
# the browser driver (playwright-core from npm, using Debian's /usr/bin/chromium), then dotnet test.
# Firefox needs no driver: its test page runs by itself and posts its result to the test.
set -euo pipefail
cd "$(dirname "$0")/.."

# The repository stands alone: nothing under the checkout may read or point at the folder beside it.
outside="shared"
if refs=$(grep -rnI --exclude-dir=.git --exclude-dir=node_modules --exclude-dir=bin --exclude-dir=obj \
    -e "\.\./${outside}\b" -e "/work/${outside}\b" -e "${outside}/protocol\.md" -e "${outside}/conformance" . ); then
  echo "error: these lines refer to ../${outside}, which a clone does not have (move the data into the repository):" >&2
  echo "$refs" >&2
  exit 1
fi

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || need+=(firefox-esr)
command -v baresip >/dev/null 2>&1 || need+=(baresip-core)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v kamailio >/dev/null 2>&1 || need+=(kamailio kamailio-tls-modules kamailio-websocket-modules)
command -v baresip >/dev/null 2>&1 || need+=(baresip)
command -v linphonec >/dev/null 2>&1 || need+=(linphone-cli)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
[ -e /usr/lib/x86_64-linux-gnu/libopus.so ] || [ -e /usr/lib/aarch64-linux-gnu/libopus.so ] || need+=(libopus0 libopus-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d tests/Gateway.Interop.Tests/js/node_modules/playwright-core ]; then
  (cd tests/Gateway.Interop.Tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

results=$(mktemp -d)
set +e
dotnet test Gateway.sln -c Release --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line over all test assemblies: 'N passed, N failed'.
passed=0; failed=0; skipped=0
while read -r line; do
  p=$(sed -n 's/.*Passed: *\([0-9]*\).*/\1/p' <<<"$line"); f=$(sed -n 's/.*Failed: *\([0-9]*\).*/\1/p' <<<"$line"); s=$(sed -n 's/.*Skipped: *\([0-9]*\).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done < <(grep -E '^(Passed|Failed)! +- +Failed:' "$results/console.log" || true)
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
