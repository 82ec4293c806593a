#!/usr/bin/env bash
# Capacity of the gateway on this machine: builds Release, starts the gateway and a SIP echo peer
# (`sipp -sn uas -rtp_echo`) on free 127.0.0.1 ports, drives calls with bench/Gateway.Load, and appends one
# line per run to docs/benchmarks.md. Everything is torn down on exit (trap), everything stays on 127.0.0.1.
#
#   bench/capacity.sh                 ramp 100, 250, 500, 1000 concurrent calls (60 s plateau each) + 50 calls/s for 60 s
#   bench/capacity.sh --quick         smoke run: 20 calls for 10 s
#   options: --ramp "100 250"  levels to run (none: no ramp)      --no-rate-run   skip the setup-rate run
#            --echo             call 600 (the gateway's built-in echo) instead of the sipp trunk
#            --inbound          also run inbound: sipp calls users load1..N through the gateway, the tool answers
#            --no-record        do not append to docs/benchmarks.md     --skip-build   use the existing Release build
#            --load-args "..."  extra gateway-load options for every run (e.g. "--socket per-call")
#            --duration <s>     plateau seconds of each ramp level (default 60)
#            --gateway-env "K=V ..."  extra environment for the gateway (e.g. "Media__IoMode=portable" for an A/B run)
#            --pid-file <path>  write the gateway's process id there once it is healthy (bench/profile.sh uses it)
#            --flood <packets/s>  flood the gateway's SIP UDP port during each run (gateway-load --flood: garbage, OPTIONS,
#                               never-ACKed INVITEs from untrusted 127.0.1.x/127.0.2.x sources) to measure calls through it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SCRIPT_ARGS="$*"
QUICK=0 RAMP="100 250 500 1000" RATE_RUN=1 TO_ECHO=0 INBOUND=0 RECORD=1 BUILD=1 LOAD_ARGS="" PLATEAU=60 GATEWAY_ENV="" PID_FILE="" FLOOD=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --ramp) RAMP="${2:?--ramp needs a list}"; shift; [[ "$RAMP" == none ]] && RAMP="" ;;
    --no-rate-run) RATE_RUN=0 ;;
    --echo) TO_ECHO=1 ;;
    --inbound) INBOUND=1 ;;
    --no-record) RECORD=0 ;;
    --skip-build) BUILD=0 ;;
    --load-args) LOAD_ARGS="${2?--load-args needs a value}"; shift ;;
    --pid-file) PID_FILE="${2:?--pid-file needs a path}"; shift ;;
    --flood) FLOOD="${2:?--flood needs packets/s}"; shift
      [[ "$FLOOD" =~ ^[0-9]+$ && "$FLOOD" -ge 1 && "$FLOOD" -le 20000 ]] || { echo "capacity.sh: --flood not in 1..20000" >&2; exit 2; } ;;
    --gateway-env) GATEWAY_ENV="${2?--gateway-env needs a value}"; shift
      for kv in $GATEWAY_ENV; do [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] || { echo "capacity.sh: --gateway-env '$kv' is not K=V" >&2; exit 2; }; done ;;
    --duration) PLATEAU="${2:?--duration needs seconds}"; shift
      [[ "$PLATEAU" =~ ^[0-9]+$ && "$PLATEAU" -ge 5 && "$PLATEAU" -le 300 ]] || { echo "capacity.sh: --duration not in 5..300" >&2; exit 2; } ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "capacity.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for level in $RAMP; do
  [[ "$level" =~ ^[0-9]+$ && "$level" -ge 1 && "$level" -le 1000 ]] || { echo "capacity.sh: ramp level '$level' not in 1..1000" >&2; exit 2; }
done

WORK="$(mktemp -d /tmp/gateway-capacity.XXXXXX)"
GATEWAY_PID="" SIPP_PID="" SIPP_UAC_PID=""
cleanup() {
  local rc=$?
  for pid in "$SIPP_UAC_PID" "$SIPP_PID" "$GATEWAY_PID"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  sleep 1
  for pid in "$SIPP_UAC_PID" "$SIPP_PID" "$GATEWAY_PID"; do
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  done
  echo "capacity.sh: logs in $WORK (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# A free port: bind port 0 (TCP or UDP) on 127.0.0.1 and report what the kernel chose.
free_port() {
  python3 - "$1" <<'EOF'
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

# A free block of UDP ports for the media plane: 3 per call (web port, SIP RTP/RTCP pair) for 1000 calls, plus
# slack for pair alignment and ports of ended calls not yet reused.
free_udp_range() {
  python3 - "$1" <<'EOF'
import socket, sys, random
size = int(sys.argv[1])
for _ in range(50):
    base = random.randrange(30000, 60000 - size)
    ok = True
    for p in range(base, base + size, 7):  # sample the block; a clash on an unsampled port only costs that port
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try: s.bind(("127.0.0.1", p))
        except OSError: ok = False
        finally: s.close()
        if not ok: break
    if ok: print(base, base + size - 1); sys.exit(0)
sys.exit("no free UDP block")
EOF
}

if [[ $BUILD -eq 1 ]]; then
  log "building Release"
  dotnet build -c Release src/Gateway.Server/Gateway.Server.csproj -v q -nologo >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 4; }
  dotnet build -c Release bench/Gateway.Load/Gateway.Load.csproj -v q -nologo >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 4; }
fi
GATEWAY_DLL="src/Gateway.Server/bin/Release/net10.0/gateway.dll"
LOAD_DLL="bench/Gateway.Load/bin/Release/net10.0/gateway-load.dll"
[[ -f "$GATEWAY_DLL" && -f "$LOAD_DLL" ]] || { echo "capacity.sh: build output missing" >&2; exit 4; }

HTTP_PORT=$(free_port tcp)
SIP_PORT=$(free_port udp)
SIPP_PORT=$(free_port udp)
SIPP_MEDIA_PORT=$(free_port udp)
SIPP_UAC_PORT=$(free_port udp)
read -r MEDIA_MIN MEDIA_MAX < <(free_udp_range 4000)

cat >"$WORK/dialplan.yaml" <<EOF
# Capacity dialplan: 600 echoes inside the gateway, load<n> are the tool's users, anything else goes to sipp.
trunks:
  bench:
    uri: sip:127.0.0.1:$SIPP_PORT
    transport: udp
    dtmf: rfc4733
    codecs: [PCMU]
    max_channels: 2000
    probe: false              # sipp's UAS scenario does not expect OPTIONS keep-alives
    inbound_sources: ['127.0.0.1/32']
routes:
  - name: echo-test
    match: { exact: '600' }
    app: echo
  - name: load-users
    match: { regex: '^load[0-9]+$' }
    user: \$0
  - name: to-sipp
    match: { prefix: '' }
    trunk: [bench]
EOF

log "gateway: http 127.0.0.1:$HTTP_PORT, sip udp $SIP_PORT, media $MEDIA_MIN-$MEDIA_MAX; sipp uas $SIPP_PORT (rtp echo $SIPP_MEDIA_PORT)"
# HttpsPort -1: plain HTTP on 127.0.0.1 only (no certificate). ASPNETCORE_URLS is a fallback for older hosting code.
ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Gateway__ListenAddress=127.0.0.1 Gateway__HttpsPort=-1 Gateway__HttpPort=$HTTP_PORT \
Sip__ListenAddress=127.0.0.1 Sip__PublicAddress=127.0.0.1 Sip__UdpPort=$SIP_PORT Sip__TcpPort=0 \
Media__BindAddress=127.0.0.1 Media__PortMin=$MEDIA_MIN Media__PortMax=$MEDIA_MAX \
Signaling__AllowLoopbackWithoutToken=true Cdr__Path="$WORK/cdr.jsonl" \
Logging__LogLevel__Default=Warning \
DOTNET_gcServer=0 \
  env $GATEWAY_ENV dotnet "$GATEWAY_DLL" --dialplan "$WORK/dialplan.yaml" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { echo "capacity.sh: gateway exited at start:" >&2; tail -30 "$WORK/gateway.log" >&2; exit 4; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null || { echo "capacity.sh: gateway not healthy after 30 s" >&2; exit 4; }
[[ -n "$PID_FILE" ]] && echo "$GATEWAY_PID" >"$PID_FILE"

# sipp echoes every call on one socket with the default 208 KiB buffer (neither -rtp_buffsize nor -buff_size reach
# it), i.e. ~50 ms at 500 calls: run it at a higher priority when allowed so the echo peer is not what drops.
# SIPP_NICE_LEVEL=0 in the environment runs it at normal priority (an A/B of what its preemptions cost the gateway).
SIPP_NICE=()
SIPP_NICE_LEVEL="${SIPP_NICE_LEVEL:--10}"
[[ "$SIPP_NICE_LEVEL" =~ ^-?[0-9]+$ ]] || { echo "capacity.sh: SIPP_NICE_LEVEL '$SIPP_NICE_LEVEL' is not a number" >&2; exit 2; }
[[ "$SIPP_NICE_LEVEL" != 0 ]] && nice -n "$SIPP_NICE_LEVEL" true 2>/dev/null && SIPP_NICE=(nice -n "$SIPP_NICE_LEVEL")
"${SIPP_NICE[@]}" sipp -sn uas -rtp_echo -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -max_socket 4096 \
  -trace_err -error_file "$WORK/sipp-uas-errors.log" >"$WORK/sipp-uas.log" 2>&1 &
SIPP_PID=$!
sleep 1
kill -0 "$SIPP_PID" 2>/dev/null || { echo "capacity.sh: sipp did not start:" >&2; tail -20 "$WORK/sipp-uas.log" >&2; exit 4; }

TO=7000
[[ $TO_ECHO -eq 1 ]] && TO=600
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
FAILED_RUNS=0

# run_load <label> <load-tool args...>: one run, its RESULT line kept in $WORK/results.txt and recorded.
run_load() {
  local label=$1; shift
  # shellcheck disable=SC2206 # LOAD_ARGS is a list of options, split on purpose
  local args=(--url "ws://127.0.0.1:$HTTP_PORT/ws" --gateway-pid "$GATEWAY_PID" --label "$label" "$@" $LOAD_ARGS)
  [[ $FLOOD -gt 0 ]] && args+=(--flood "$FLOOD" --flood-target "127.0.0.1:$SIP_PORT") && args[5]="$label-flood$FLOOD"
  log "run $label: gateway-load ${args[*]}"
  local rc=0 sipp_drops_before
  sipp_drops_before=$(udp_socket_drops "$SIPP_MEDIA_PORT")
  local switches_before started
  switches_before=$(gateway_switches) started=$(date +%s.%N)
  dotnet "$LOAD_DLL" "${args[@]}" >"$WORK/$label.out" 2>"$WORK/$label.err" || rc=$?
  local wakeups
  wakeups=$(awk -v a="$switches_before" -v b="$(gateway_switches)" -v t0="$started" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }')
  grep -v '^RESULT' "$WORK/$label.out" | tail -3 >&2 || true
  cat "$WORK/$label.err" >&2
  local result
  result=$(grep '^RESULT' "$WORK/$label.out" || true)
  if [[ -z "$result" ]]; then
    log "run $label: no result (exit $rc)"; FAILED_RUNS=$((FAILED_RUNS + 1)); return 0
  fi
  result="$result sipp_udp_drops=$(( $(udp_socket_drops "$SIPP_MEDIA_PORT") - sipp_drops_before )) gw_switches_per_s=$wakeups load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  echo "$result" | tee -a "$WORK/results.txt"
  [[ $rc -eq 0 ]] || FAILED_RUNS=$((FAILED_RUNS + 1))
  kill -0 "$GATEWAY_PID" 2>/dev/null || { log "gateway died during $label"; tail -30 "$WORK/gateway.log" >&2; exit 1; }
  [[ $RECORD -eq 1 ]] && record "$result" "bench/capacity.sh $SCRIPT_ARGS → gateway-load ${args[*]}"
  sleep 5 # let the gateway settle between runs
}

# gateway_switches: context switches of all the gateway's threads so far (voluntary ones are wake-ups after a wait).
gateway_switches() {
  cat /proc/"$GATEWAY_PID"/task/*/status 2>/dev/null | awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { s += $2 } END { print s + 0 }'
}

# udp_socket_drops <port>: the drop counter of the 127.0.0.1 UDP socket on that port (/proc/net/udp, last column).
udp_socket_drops() {
  awk -v p="$(printf ':%04X' "$1")" 'NR > 1 && substr($2, length($2) - 4) == p { print $NF; found = 1; exit } END { if (!found) print 0 }' /proc/net/udp
}

# record <RESULT line> <command>: one markdown table row appended to docs/benchmarks.md.
record() {
  local result=$1 command=$2
  declare -A r=()
  local kv
  for kv in ${result#RESULT }; do r[${kv%%=*}]=${kv#*=}; done
  # Loss not explained by drops at the endpoints' own sockets (sipp's echo socket, the tool's): what the gateway lost.
  local gw_loss="-" tool_drops="${r[udp_drops_tool]:-0}"
  [[ "$tool_drops" == "-" ]] && tool_drops=0
  if [[ "${r[packets_sent]:-0}" -gt 0 ]]; then
    gw_loss=$(awk -v s="${r[packets_sent]}" -v e="${r[packets_echoed]}" -v d="${r[sipp_udp_drops]:-0}" -v t="$tool_drops" \
      'BEGIN { l = (s - e - d - t) / s * 100; if (l < 0) l = 0; printf "%.3f", l }')
  fi
  # The latency bar is judged on the plateau (no call setting up) when there is one, else on the whole run.
  local p99="${r[rtt_plateau_p99_ms]:--}"
  [[ "$p99" == "-" ]] && p99="${r[rtt_p99_ms]}"
  local meets="no"
  if [[ "${r[failed_setups]}" == 0 && "${r[dropped]}" == 0 && "$gw_loss" != "-" && "$p99" != "-" ]] &&
     awk -v l="$gw_loss" -v p="$p99" 'BEGIN { exit !(l < 0.1 && p < 5) }'; then meets="yes"; fi
  command=$(echo "$command" | sed "s/--gateway-pid [0-9]* //")
  printf '| %s | %s | %s | %s/%s | %s | %s | %s | %s / %s (%s) | %s / %s | %s | %s / %s | %s / %s | %s / %s | %s | %s | %s | `%s` |\n' \
    "$(date -u +%Y-%m-%d)" "$COMMIT" "${r[label]} (load $(cut -d' ' -f1 /proc/loadavg)${GATEWAY_ENV:+, $GATEWAY_ENV})" "${r[peak_up]}" "${r[calls]}" "${r[to]:-in}" "${r[failed_setups]}" "${r[dropped]}" \
    "${r[rtt_p50_ms]}" "${r[rtt_p99_ms]}" "${r[rtt_plateau_p99_ms]:--}" "${r[loss_pct]}" "$gw_loss" "${r[jitter_ms]}" "${r[udp_drops_tool]:--}" "${r[sipp_udp_drops]:--}" "${r[setup_p50_ms]}" "${r[setup_p99_ms]}" \
    "${r[dtls_p50_ms]}" "${r[dtls_p99_ms]}" "${r[gw_cpu_s_per_call_min]} (plateau ${r[gw_plateau_ms_per_call_s]:--} ms/call-s)" "${r[gw_rss_kib_per_call]}" "$meets" "$command" >"$WORK/row.md"
  # Rows go just above the marker line of the capacity table (other sections may follow it), else at the end.
  python3 - docs/benchmarks.md "$WORK/row.md" <<'PY'
import sys
path, row = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read()
marker = "<!-- capacity.sh rows above -->"
text = text.replace(marker, row + marker, 1) if marker in text else text.rstrip("\n") + "\n" + row
open(path, "w").write(text)
PY
}

if [[ $QUICK -eq 1 ]]; then
  run_load quick --to "$TO" --calls 20 --concurrency 20 --rate 10 --duration 10
else
  for level in $RAMP; do
    rate=20
    plateau=$(( PLATEAU + (level + rate - 1) / rate )) # every call overlaps the others for the plateau
    run_load "ramp-$level" --to "$TO" --calls "$level" --concurrency "$level" --rate "$rate" --duration "$plateau"
  done
  if [[ $RATE_RUN -eq 1 ]]; then
    # Setup rate: 50 new calls/s for 60 s, each held 5 s (about 250 up at once).
    run_load "rate-50" --to "$TO" --calls 3000 --concurrency 1000 --rate 50 --duration 5
  fi
fi

# A UAC scenario calling sip:<field0 of the injection file>@gateway with a PCMU offer; BYE after -d ms.
write_uac_scenario() {
  cat >"$1" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="call web users">
  <send retrans="500"><![CDATA[
INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Load" <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[field0]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
ACK sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Load" <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Length: 0

]]></send>
  <pause/>
  <send retrans="500"><![CDATA[
BYE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Load" <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200" crlf="true"/>
</scenario>
XML
}

if [[ $INBOUND -eq 1 ]]; then
  USERS=20 CALLS=40
  [[ $QUICK -eq 1 ]] || { USERS=100; CALLS=200; }
  { echo "SEQUENTIAL"; for i in $(seq 1 "$USERS"); do echo "load$i"; done; } >"$WORK/users.csv"
  # The tool answers first (registers load1..N), then sipp calls them through the gateway: 5 calls/s, 10 s each.
  dotnet "$LOAD_DLL" --url "ws://127.0.0.1:$HTTP_PORT/ws" --gateway-pid "$GATEWAY_PID" --label inbound --inbound \
    --users "$USERS" --concurrency "$USERS" --calls "$CALLS" --rate 50 --duration 30 >"$WORK/inbound.out" 2>"$WORK/inbound.err" &
  LOAD_PID=$!
  sleep 3
  write_uac_scenario "$WORK/uac.xml"
  "${SIPP_NICE[@]}" sipp "127.0.0.1:$SIP_PORT" -sf "$WORK/uac.xml" -rtp_echo -i 127.0.0.1 -p "$SIPP_UAC_PORT" -mp "$(free_port udp)" -inf "$WORK/users.csv" \
    -r 5 -m "$CALLS" -l "$USERS" -d 10000 -nostdin -timeout 300s \
    -trace_err -error_file "$WORK/sipp-uac-errors.log" >"$WORK/sipp-uac.log" 2>&1 &
  SIPP_UAC_PID=$!
  wait "$LOAD_PID" || true
  wait "$SIPP_UAC_PID" || true
  SIPP_UAC_PID=""
  cat "$WORK/inbound.err" >&2
  result=$(grep '^RESULT' "$WORK/inbound.out" || true)
  if [[ -n "$result" ]]; then
    echo "$result" | tee -a "$WORK/results.txt"
    [[ $RECORD -eq 1 ]] && record "$result" "bench/capacity.sh --inbound: gateway-load --inbound --users $USERS --calls $CALLS; sipp -sn uac -r 5 -d 10000"
  else
    FAILED_RUNS=$((FAILED_RUNS + 1))
  fi
fi

log "done: $(wc -l <"$WORK/results.txt" 2>/dev/null || echo 0) runs, $FAILED_RUNS with failures"
[[ $FAILED_RUNS -eq 0 ]]
