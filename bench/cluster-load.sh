#!/usr/bin/env bash
# Cluster bar (issue #17): calls to the echo test through Kamailio to three gateway nodes sharing a private Redis, at
# --rate calls/s for --seconds (2 s calls), node 2 drained halfway; 0 failed calls is the bar. It runs the interop
# test ClusterLoadTests (tests/Gateway.Interop.Tests/Cluster) at that rate, so the topology and configuration are the
# tested ones (deploy/kamailio/kamailio.cfg), reads its RESULT line and appends a row to docs/benchmarks.md.
# Everything (Kamailio, Redis, sipp, three gateways) shares this machine.
#   bench/cluster-load.sh [--rate 50] [--seconds 60] [--no-record] [--skip-build]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCRIPT_ARGS="$*"
RATE=50 SECONDS_RUN=60 RECORD=1 BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE="${2:?}"; shift ;;
    --seconds) SECONDS_RUN="${2:?}"; shift ;;
    --no-record) RECORD=0 ;;
    --skip-build) BUILD=0 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "cluster-load.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for v in "$RATE" "$SECONDS_RUN"; do [[ "$v" =~ ^[0-9]+$ ]] || { echo "cluster-load.sh: '$v' is not a number" >&2; exit 2; }; done
[[ $RATE -ge 1 && $RATE -le 200 && $SECONDS_RUN -ge 4 && $SECONDS_RUN -le 300 ]] || { echo "cluster-load.sh: --rate 1..200, --seconds 4..300" >&2; exit 2; }
for tool in sipp kamailio redis-server; do command -v "$tool" >/dev/null || { echo "cluster-load.sh: $tool missing (scripts/test.sh installs it)" >&2; exit 4; }; done

LOG="$(mktemp /tmp/cluster-load.XXXXXX.log)"
if [[ $BUILD -eq 1 ]]; then dotnet build -c Release tests/Gateway.Interop.Tests -v q -nologo >/dev/null; fi
echo "[$(date +%T)] $RATE calls/s for $SECONDS_RUN s through Kamailio to 3 nodes, node 2 drained halfway (log $LOG)"
rc=0
CLUSTER_LOAD_RATE=$RATE CLUSTER_LOAD_SECONDS=$SECONDS_RUN dotnet test -c Release --no-build tests/Gateway.Interop.Tests \
  --filter "FullyQualifiedName~ClusterLoadTests" --logger "console;verbosity=detailed" >"$LOG" 2>&1 || rc=$?
LOAD="$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
RESULT="$(grep -m1 -o 'RESULT .*' "$LOG" || true)"
[[ -n "$RESULT" ]] || { echo "cluster-load.sh: no RESULT line (test exit $rc); see $LOG" >&2; exit 1; }
echo "$RESULT load=$LOAD test_exit=$rc"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $RESULT"; }
if [[ $RECORD -eq 1 ]]; then
  row="| $(date +%F) | $(git rev-parse --short HEAD) | $RATE/s for $SECONDS_RUN s | $(field ok) | $(field failed) | $(field cdrs) | $(field n2_calls_at_drain) | $(field n2_exited_after_s) s | $LOAD | \`bench/cluster-load.sh $SCRIPT_ARGS\` |"
  python3 - "$row" <<'PY'
import sys
p = 'docs/benchmarks.md'
s = open(p).read()
s = s.replace('<!-- cluster-load rows -->', sys.argv[1] + '\n<!-- cluster-load rows -->', 1)
open(p, 'w').write(s)
PY
fi
exit $rc
