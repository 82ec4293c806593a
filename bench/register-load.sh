#!/usr/bin/env bash
# Registrar load (issue #15 bar): builds Release, starts the gateway with a directory of N users on free 127.0.0.1
# ports, then drives sipp REGISTERs with Digest (bench/scenarios/register-keep.xml: challenge, authenticated
# REGISTER, binding kept) at a fixed rate, and reads the gateway's RSS and its gateway_registrations gauge.
#   phase 1: the first 100 users register and refresh at --rate for 30 s: the same traffic as phase 2, so the GC's
#            allocation budget and the transactions held for Timer J (RFC 3261 §17.2.2) are at their load size; RSS read
#   phase 2: all N users, then refreshes, at --rate REGISTER transactions (challenge + authenticated request) per
#            second for --seconds; RSS read again. RSS per 1,000 bindings = (RSS2 - RSS1) * 1000 / (N - 100).
# The managed bytes a binding holds, without the rest of the process: bench/Gateway.Bench -- registrar-memory 1000.
# One source address sends everything (sipp), so the per-source limits (SIP packets and transactions, REGISTERs) are
# lifted for the run (Sip:SourcePacketsPerSecond=0, Registrar:RegistersPerSecondPerSource=0): the registrar is measured, not its flood guard.
#   bench/register-load.sh [--users 1000] [--rate 100] [--seconds 60] [--no-record] [--skip-build] [--gateway-env "K=V ..."]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCRIPT_ARGS="$*"
USERS=1000 RATE=100 SECONDS_RUN=60 RECORD=1 BUILD=1 GATEWAY_ENV=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS="${2:?}"; shift ;;
    --rate) RATE="${2:?}"; shift ;;
    --seconds) SECONDS_RUN="${2:?}"; shift ;;
    --no-record) RECORD=0 ;;
    --skip-build) BUILD=0 ;;
    --gateway-env) GATEWAY_ENV="${2?--gateway-env needs a value}"; shift
      for kv in $GATEWAY_ENV; do [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] || { echo "register-load.sh: --gateway-env '$kv' is not K=V" >&2; exit 2; }; done ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "register-load.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for v in "$USERS" "$RATE" "$SECONDS_RUN"; do [[ "$v" =~ ^[0-9]+$ ]] || { echo "register-load.sh: '$v' is not a number" >&2; exit 2; }; done
[[ $USERS -ge 200 && $USERS -le 10000 ]] || { echo "register-load.sh: --users not in 200..10000" >&2; exit 2; }
[[ $RATE -ge 1 && $RATE -le 2000 && $SECONDS_RUN -ge 5 && $SECONDS_RUN -le 300 ]] || { echo "register-load.sh: --rate 1..2000, --seconds 5..300" >&2; exit 2; }
command -v sipp >/dev/null || { echo "register-load.sh: sipp missing (apt-get install sip-tester)" >&2; exit 4; }

WORK="$(mktemp -d /tmp/gateway-register.XXXXXX)"
GATEWAY_PID=""
cleanup() {
  local rc=$?
  [[ -n "$GATEWAY_PID" ]] && { kill "$GATEWAY_PID" 2>/dev/null; sleep 1; kill -9 "$GATEWAY_PID" 2>/dev/null; } || true
  echo "register-load.sh: logs in $WORK (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
free_port() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

if [[ $BUILD -eq 1 ]]; then
  log "building Release"
  dotnet build -c Release src/Gateway.Server/Gateway.Server.csproj -v q -nologo >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 4; }
fi
GATEWAY_DLL="src/Gateway.Server/bin/Release/net10.0/gateway.dll"
[[ -f "$GATEWAY_DLL" ]] || { echo "register-load.sh: build output missing" >&2; exit 4; }

HTTP_PORT=$(free_port tcp) SIP_PORT=$(free_port udp) SIPP_PORT=$(free_port udp)
export BENCH_SIP_PASSWORD="bench-Secret-$RANDOM$RANDOM"
{
  echo "# Registrar bench: $USERS users sharing one password (an \${ENV} reference)."
  echo "routes:"
  echo "  - name: nowhere"
  echo "    match: { prefix: '' }"
  echo "    reject: 404"
  echo "users:"
  for i in $(seq 1 "$USERS"); do printf "  - name: phone%s\n    password: \${BENCH_SIP_PASSWORD}\n" "$i"; done
} >"$WORK/dialplan.yaml"
{
  echo "SEQUENTIAL"
  for i in $(seq 1 "$USERS"); do echo "phone$i;[authentication username=phone$i password=$BENCH_SIP_PASSWORD]"; done
} >"$WORK/users.csv"

log "gateway: http 127.0.0.1:$HTTP_PORT, sip udp $SIP_PORT; $USERS users"
Gateway__ListenAddress=127.0.0.1 Gateway__HttpsPort=-1 Gateway__HttpPort=$HTTP_PORT \
Sip__ListenAddress=127.0.0.1 Sip__PublicAddress=127.0.0.1 Sip__UdpPort=$SIP_PORT Sip__TcpPort=0 \
Media__BindAddress=127.0.0.1 Cdr__Path="$WORK/cdr.jsonl" Logging__LogLevel__Default=Warning \
Registrar__RegistersPerSecondPerSource=0 Sip__SourcePacketsPerSecond=0 DOTNET_gcServer=0 \
  env $GATEWAY_ENV dotnet "$GATEWAY_DLL" --dialplan "$WORK/dialplan.yaml" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { echo "register-load.sh: gateway exited at start:" >&2; tail -30 "$WORK/gateway.log" >&2; exit 4; }
  sleep 0.5
done

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$GATEWAY_PID/status"; }
bindings() { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" | awk '$1 == "gateway_registrations" { print $2 }'; }
# run_sipp <label> <users file> <calls> <rate>: sipp as the phones; its exit code is 0 only when every REGISTER pair succeeded.
run_sipp() {
  local label=$1 users=$2 calls=$3 rate=$4 rc=0 trace=()
  [[ $label == warm ]] && trace=(-trace_msg -message_file "$WORK/$label.msg") # the messages, for a failed run
  sipp 127.0.0.1:"$SIP_PORT" -sf bench/scenarios/register-keep.xml -inf "$users" -i 127.0.0.1 -p "$SIPP_PORT" \
    -m "$calls" -r "$rate" -l 2000 -nostdin -timeout $((SECONDS_RUN + 60))s -trace_stat -stf "$WORK/$label.stat.csv" \
    -trace_err -error_file "$WORK/$label.err" "${trace[@]}" >"$WORK/$label.out" 2>&1 || rc=$?
  echo "$rc"
}

head -101 "$WORK/users.csv" >"$WORK/users-100.csv"
log "phase 1: 100 users register and refresh at $RATE/s for 30 s"
rc1=$(run_sipp warm "$WORK/users-100.csv" $((RATE * 30)) "$RATE")
sleep 3
RSS1=$(rss_kib) B1=$(bindings)
log "phase 1: sipp exit $rc1, bindings $B1, RSS $RSS1 KiB"

CALLS=$((RATE * SECONDS_RUN))
log "phase 2: $CALLS REGISTER transactions at $RATE/s"
started=$(date +%s.%N)
rc2=$(run_sipp load "$WORK/users.csv" "$CALLS" "$RATE")
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
sleep 3
RSS2=$(rss_kib) B2=$(bindings)
# sipp's statistics file: the last line's cumulative successful and failed calls.
read -r OK FAIL < <(python3 - "$WORK/load.stat.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
h = rows[0]; last = rows[-1]
print(last[h.index("SuccessfulCall(C)")], last[h.index("FailedCall(C)")])
PY
)
PER1000=$(awk -v a="$RSS1" -v b="$RSS2" -v n="$USERS" 'BEGIN { printf "%.2f", (b - a) / 1024 * 1000 / (n - 100) }')
RESULT="RESULT users=$USERS rate=$RATE seconds=$SECONDS_RUN elapsed_s=$elapsed ok=$OK failed=$FAIL sipp_exit=$rc2 bindings=$B2 rss1_kib=$RSS1 rss2_kib=$RSS2 mib_per_1000_bindings=$PER1000 load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
echo "$RESULT"
if [[ $RECORD -eq 1 ]]; then
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
  row="| $(date -u +%Y-%m-%d) | $COMMIT | $RATE/s for ${SECONDS_RUN} s ($elapsed s) | $OK | $FAIL | $B2 | $PER1000 MiB | $(cut -d' ' -f1 /proc/loadavg)${GATEWAY_ENV:+, $GATEWAY_ENV} | \`bench/register-load.sh $SCRIPT_ARGS\` |"
  python3 - docs/benchmarks.md "$row" <<'PY'
import sys
path, row = sys.argv[1], sys.argv[2]
text = open(path).read()
marker = "<!-- register-load rows -->"
if marker not in text: sys.exit("docs/benchmarks.md has no register-load marker")
open(path, "w").write(text.replace(marker, row + "\n" + marker, 1))
PY
fi
[[ "$rc2" == 0 && "$FAIL" == 0 && "$B2" == "$USERS" ]]
