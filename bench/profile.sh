#!/usr/bin/env bash
# CPU profile of the gateway under load: runs bench/capacity.sh (gateway + sipp echo trunk + bench/Gateway.Load) with
# DOTNET_PerfMapEnabled=1, records the gateway with perf (Debian's linux-perf) once the calls are up, and prints the
# top frames (self time; JIT-compiled methods are named through /tmp/perf-<pid>.map). Loopback only, nothing recorded
# in docs/benchmarks.md.
#
#   bench/profile.sh                      40 calls, 20 s of profile
#   bench/profile.sh --no-perf            the same window without perf: steady-state CPU and wake-ups only
#   options: --calls <n> (1..1000)  --seconds <s> (5..120)  --top <n> frames (default 40)
#            --gateway-env "K=V ..." (e.g. "Media__IoMode=portable")  --skip-build  --out <dir> (default: a new /tmp dir)
#            --load-args "..." extra gateway-load options (e.g. "--socket per-call", needed with Media__SharedWebPort)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CALLS=40 SECONDS_=20 TOP=40 GATEWAY_ENV="" LOAD_ARGS="" BUILD_ARG="" OUT="" PERF=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --calls) CALLS="${2:?}"; shift ;;
    --seconds) SECONDS_="${2:?}"; shift ;;
    --top) TOP="${2:?}"; shift ;;
    --gateway-env) GATEWAY_ENV="${2?}"; shift ;;
    --load-args) LOAD_ARGS="${2?}"; shift ;;
    --skip-build) BUILD_ARG="--skip-build" ;;
    --no-perf) PERF=0 ;;
    --out) OUT="${2:?}"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ "$CALLS" =~ ^[0-9]+$ && "$CALLS" -ge 1 && "$CALLS" -le 1000 ]] || { echo "profile.sh: --calls not in 1..1000" >&2; exit 2; }
[[ "$SECONDS_" =~ ^[0-9]+$ && "$SECONDS_" -ge 5 && "$SECONDS_" -le 120 ]] || { echo "profile.sh: --seconds not in 5..120" >&2; exit 2; }
[[ "$TOP" =~ ^[0-9]+$ && "$TOP" -ge 1 && "$TOP" -le 500 ]] || { echo "profile.sh: --top not in 1..500" >&2; exit 2; }
[[ $PERF -eq 0 ]] || command -v perf >/dev/null || { echo "profile.sh: perf not found (apt-get install linux-perf)" >&2; exit 4; }

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
  --pid-file "$OUT/gateway.pid" --gateway-env "DOTNET_PerfMapEnabled=1 $GATEWAY_ENV" ${LOAD_ARGS:+--load-args "$LOAD_ARGS"} >"$OUT/capacity.log" 2>&1 &
CAP_PID=$!
for _ in $(seq 1 600); do
  [[ -s "$OUT/gateway.pid" ]] && break
  kill -0 "$CAP_PID" 2>/dev/null || { echo "profile.sh: capacity.sh ended early:" >&2; tail -20 "$OUT/capacity.log" >&2; exit 4; }
  sleep 0.5
done
PID=$(cat "$OUT/gateway.pid")
sleep "$SETUP"
# Steady state (every call up, no setup in the window): CPU ticks of the process and context switches of its threads.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' /proc/"$PID"/stat; }
switches() { cat /proc/"$PID"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
HZ=$(getconf CLK_TCK)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)
T0=$(date +%s.%N) C0=$(cpu_ticks) S0=$(switches)
if [[ $PERF -eq 1 ]]; then
  echo "profile.sh: recording gateway pid $PID for $SECONDS_ s at $CALLS calls (load average $LOAD_BEFORE)" >&2
  perf record -F 999 -g -p "$PID" -o "$OUT/perf.data" -- sleep "$SECONDS_" 2>"$OUT/perf-record.log"
else
  sleep "$SECONDS_"
fi
T1=$(date +%s.%N) C1=$(cpu_ticks) S1=$(switches)
awk -v c0="$C0" -v c1="$C1" -v s0="$S0" -v s1="$S1" -v t0="$T0" -v t1="$T1" -v hz="$HZ" -v n="$CALLS" -v perf="$PERF" \
    -v l0="$LOAD_BEFORE" -v l1="$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" \
  'BEGIN { t = t1 - t0; printf "PLATEAU calls=%d seconds=%.1f gw_cpu_ms_per_call_s=%.3f gw_cpu_cores=%.3f gw_switches_per_s=%.0f perf=%s load=%s..%s\n",
           n, t, (c1 - c0) / hz * 1000 / (t * n), (c1 - c0) / hz / t, (s1 - s0) / t, perf ? "on" : "off", l0, l1 }' | tee "$OUT/plateau.txt"
if [[ $PERF -eq 1 ]]; then
  perf report -i "$OUT/perf.data" --stdio --no-children --sort symbol --percent-limit 0.3 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | head -n "$TOP" | tee "$OUT/top.txt"
  echo "--- by DSO (kernel, libcoreclr, JIT code, libc ...)" | tee -a "$OUT/top.txt"
  perf report -i "$OUT/perf.data" --stdio --no-children --sort dso 2>/dev/null | grep -E '^ +[0-9.]+%' | head -12 | tee -a "$OUT/top.txt"
fi
wait "$CAP_PID" || true
CAP_PID=""
grep '^RESULT' "$OUT/capacity.log" || true
