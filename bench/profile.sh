#!/usr/bin/env bash
# CPU profile of the gateway under load: runs bench/capacity.sh (gateway + sipp echo trunk + bench/Gateway.Load) with
# DOTNET_PerfMapEnabled=1, records the gateway with perf (Debian's linux-perf) once the calls are up, and prints the
# top frames (self time; JIT-compiled methods are named through /tmp/perf-<pid>.map). Loopback only, nothing recorded
# in docs/benchmarks.md.
#
#   bench/profile.sh                      40 calls, 20 s of profile
#   options: --calls <n> (1..1000)  --seconds <s> (5..120)  --top <n> frames (default 40)
#            --gateway-env "K=V ..." (e.g. "Media__IoMode=portable")  --skip-build  --out <dir> (default: a new /tmp dir)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CALLS=40 SECONDS_=20 TOP=40 GATEWAY_ENV="" BUILD_ARG="" OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --calls) CALLS="${2:?}"; shift ;;
    --seconds) SECONDS_="${2:?}"; shift ;;
    --top) TOP="${2:?}"; shift ;;
    --gateway-env) GATEWAY_ENV="${2?}"; shift ;;
    --skip-build) BUILD_ARG="--skip-build" ;;
    --out) OUT="${2:?}"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ "$CALLS" =~ ^[0-9]+$ && "$CALLS" -ge 1 && "$CALLS" -le 1000 ]] || { echo "profile.sh: --calls not in 1..1000" >&2; exit 2; }
[[ "$SECONDS_" =~ ^[0-9]+$ && "$SECONDS_" -ge 5 && "$SECONDS_" -le 120 ]] || { echo "profile.sh: --seconds not in 5..120" >&2; exit 2; }
[[ "$TOP" =~ ^[0-9]+$ && "$TOP" -ge 1 && "$TOP" -le 500 ]] || { echo "profile.sh: --top not in 1..500" >&2; exit 2; }
command -v perf >/dev/null || { echo "profile.sh: perf not found (apt-get install linux-perf)" >&2; exit 4; }

OUT="${OUT:-$(mktemp -d /tmp/gateway-profile.XXXXXX)}"
mkdir -p "$OUT"
CAP_PID=""
cleanup() {
  [[ -n "$CAP_PID" ]] && kill "$CAP_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "profile.sh: output in $OUT" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The calls ramp up at 20/s; the plateau lasts long enough for the recording plus a margin.
SETUP=$(( CALLS / 20 + 5 ))
bench/capacity.sh $BUILD_ARG --no-record --no-rate-run --ramp "$CALLS" --duration $(( SECONDS_ + SETUP + 5 < 300 ? SECONDS_ + SETUP + 5 : 300 )) \
  --pid-file "$OUT/gateway.pid" --gateway-env "DOTNET_PerfMapEnabled=1 $GATEWAY_ENV" >"$OUT/capacity.log" 2>&1 &
CAP_PID=$!
for _ in $(seq 1 600); do
  [[ -s "$OUT/gateway.pid" ]] && break
  kill -0 "$CAP_PID" 2>/dev/null || { echo "profile.sh: capacity.sh ended early:" >&2; tail -20 "$OUT/capacity.log" >&2; exit 4; }
  sleep 0.5
done
PID=$(cat "$OUT/gateway.pid")
sleep "$SETUP"
echo "profile.sh: recording gateway pid $PID for $SECONDS_ s at $CALLS calls (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
perf record -F 999 -g -p "$PID" -o "$OUT/perf.data" -- sleep "$SECONDS_" 2>"$OUT/perf-record.log"
perf report -i "$OUT/perf.data" --stdio --no-children --sort symbol --percent-limit 0.3 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | head -n "$TOP" | tee "$OUT/top.txt"
echo "--- by DSO (kernel, libcoreclr, JIT code, libc ...)" | tee -a "$OUT/top.txt"
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso 2>/dev/null | grep -E '^ +[0-9.]+%' | head -12 | tee -a "$OUT/top.txt"
wait "$CAP_PID" || true
CAP_PID=""
grep '^RESULT' "$OUT/capacity.log" || true
