#!/usr/bin/env bash
# Coverage-guided fuzzing of Sightline's parsers with AFL++ (Debian's afl++) and SharpFuzz.
#   fuzz/run.sh [--seconds N] [--data DIR] [--out DIR] [TARGET...]
# Each target (all by default; `dotnet fuzz/Sightline.Fuzz/bin/Release/net10.0/Sightline.Fuzz.dll list` names them)
# is fuzzed for N seconds (default 600) from seeds made in code and taken from the shared data. Every crash and hang
# is replayed with the uninstrumented build and printed. A table of executions, paths, crashes and hangs ends the run,
# and OUT/summary.json holds it. Exit status 1 when anything crashed or hung.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=600
data="../shared/data"
out="fuzz/out"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -*) echo "error: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else
    echo "error: fuzzing needs Debian's AFL++: sudo apt-get install afl++" >&2
    exit 1
  fi
fi
tools="$out/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# Two copies: the plain one makes the seeds and replays findings; the other is instrumented for afl-fuzz.
rm -rf "$out/plain" "$out/afl"
dotnet publish fuzz/Sightline.Fuzz -c Release -o "$out/plain" --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
cp -r "$out/plain" "$out/afl"
# The project's parsers and the managed parsers they stand on (metadata and XMP).
for assembly in Sightline.Imaging Sightline.Library Sightline.Models Sightline.Vision Sightline.Server MetadataExtractor XmpCore; do
  "$tools/sharpfuzz" "$out/afl/$assembly.dll" >/dev/null
done
plain=(dotnet "$out/plain/Sightline.Fuzz.dll")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <("${plain[@]}" list | awk '{print $1}')
fi

rm -rf "$out/seeds" "$out/findings"
mkdir -p "$out/findings"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_MAP_SIZE=65536 AFL_SKIP_CRASHES=1
status=0
rows=()
for target in "${targets[@]}"; do
  "${plain[@]}" seeds "$target" "$out/seeds/$target" --data "$data" >/dev/null
  echo "fuzzing $target for $seconds s" >&2
  # -t: an input running past 5 s is a hang; -m none: the .NET runtime reserves far more address space than it uses.
  afl-fuzz -V "$seconds" -t 5000 -m none -i "$out/seeds/$target" -o "$out/findings/$target" \
    -- "$(command -v dotnet)" "$out/afl/Sightline.Fuzz.dll" afl "$target" >"$out/findings/$target.log" 2>&1 || {
      # SharpFuzz runs every input in the fork server's own process, so an input afl-fuzz kills for hanging (or one
      # that crashes the runtime) takes the server with it; the input it was running is .cur_input.
      status=1
      current="$out/findings/$target/default/.cur_input"
      if [ -f "$current" ] && ! "${plain[@]}" replay "$target" "$current" >&2; then
        mkdir -p "$out/findings/$target/default/hangs"
        cp "$current" "$out/findings/$target/default/hangs/id:stopped-the-fork-server"
        echo "$target: the input above stopped afl-fuzz; kept in $out/findings/$target/default/hangs" >&2
      else
        echo "error: afl-fuzz failed on $target; its log: $out/findings/$target.log" >&2; tail -20 "$out/findings/$target.log" >&2
      fi
    }
  stats="$out/findings/$target/default/fuzzer_stats"
  [ -f "$stats" ] || continue
  stat() { awk -v k="$1" '$1 == k {print $3}' "$stats"; }
  crashes=$(stat saved_crashes); hangs=$(( $(stat saved_hangs) + $(ls "$out/findings/$target/default/hangs" 2>/dev/null | grep -c stopped || true) ))
  rows+=("$target $(stat execs_done) $(stat execs_per_sec) $(stat corpus_count) $(stat edges_found) $crashes $hangs")
  for kind in crashes hangs; do
    dir="$out/findings/$target/default/$kind"
    if ls "$dir"/id* >/dev/null 2>&1; then
      status=1
      echo "$target: $kind found, replayed:" >&2
      "${plain[@]}" replay "$target" "$dir" >&2 || true
    fi
  done
done

printf '%-16s %12s %9s %7s %7s %8s %6s\n' target executions "execs/s" corpus edges crashes hangs
json="["
for row in "${rows[@]}"; do
  read -r t e s c g k h <<<"$row"
  printf '%-16s %12s %9s %7s %7s %8s %6s\n' "$t" "$e" "$s" "$c" "$g" "$k" "$h"
  json+="{\"target\":\"$t\",\"executions\":$e,\"execsPerSecond\":$s,\"corpus\":$c,\"edges\":$g,\"crashes\":$k,\"hangs\":$h,\"seconds\":$seconds},"
done
echo "${json%,}]" >"$out/summary.json"
echo "command: fuzz/run.sh --seconds $seconds ${targets[*]}"
exit $status
