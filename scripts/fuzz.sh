#!/usr/bin/env bash
# Fuzzes the parsers that read network input (docs/security.md, "Fuzzing").
#   scripts/fuzz.sh [TARGET|all] [SECONDS]      default: all targets, 60 s each, one after the other
# Builds tests/Gateway.Fuzz, copies the output and adds SharpFuzz's edge instrumentation to the copy, then runs each
# target's in-process coverage-guided loop single-threaded under nice, seeded from tests/fuzz/TARGET/. New corpus
# entries go to artifacts/fuzz/corpus/TARGET/, crashes and hangs to artifacts/fuzz/crashes/TARGET/.
# Prints inputs run and crashes found per target; exits 1 when any target crashed or hung.
# FUZZ_ENGINE=afl runs AFL++ (Debian package afl++) with SharpFuzz's forkserver instead of the in-process loop.
# FUZZ_SEED fixes the mutation seed; FUZZ_MAX_INPUTS stops each target after that many inputs; FUZZ_HANG_SECONDS
# (default 60) is how long one input may run before it is saved as a hang.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-all}
seconds=${2:-60}
engine=${FUZZ_ENGINE:-loop}
work=${GATEWAY_FUZZ_WORK:-$PWD/artifacts/fuzz}
build=$work/build
bin=$work/instrumented
export GATEWAY_FUZZ_WORK=$work DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build tests/Gateway.Fuzz -c Release -o "$build" -nologo -v q >/dev/null
rm -rf "$bin"
cp -r "$build" "$bin"
dotnet "$bin/Gateway.Fuzz.dll" instrument "$bin"

if [ "$target" = all ]; then
  mapfile -t targets < <(dotnet "$bin/Gateway.Fuzz.dll" list)
else
  targets=("$target")
fi

status=0
summary=()
for t in "${targets[@]}"; do
  if [ "$engine" = afl ]; then
    command -v afl-fuzz >/dev/null 2>&1 || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
    out=$work/afl/$t
    mkdir -p "$out"
    AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 nice -n 10 \
      afl-fuzz -i "tests/fuzz/$t" -o "$out" -V "$seconds" -t 10000 -m none -- dotnet "$bin/Gateway.Fuzz.dll" afl "$t" || status=1
    stats=$out/default/fuzzer_stats
    line="target=$t inputs=$(awk '/^execs_done/ {print $3}' "$stats") seconds=$seconds crashes=$(awk '/^saved_crashes/ {print $3}' "$stats") hangs=$(awk '/^saved_hangs/ {print $3}' "$stats")"
    case "$line" in *"crashes=0 hangs=0"*) ;; *) status=1 ;; esac
  else
    log=$work/$t.log
    mkdir -p "$work"
    set +e
    nice -n 10 dotnet "$bin/Gateway.Fuzz.dll" run "$t" "$seconds" "${FUZZ_MAX_INPUTS:-9223372036854775807}" ${FUZZ_SEED:+"$FUZZ_SEED"} 2>&1 | tee "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    set -e
    line=$(grep '^target=' "$log" | tail -1 || true)
    [ -n "$line" ] || { line="target=$t did not finish (hang or crash of the process: see $log)"; status=1; }
  fi
  summary+=("$line")
done

echo
echo "== fuzz summary ($engine) =="
printf '%s\n' "${summary[@]}"
exit $status
