#!/usr/bin/env bash
# Sets up a fresh machine for the tests and runs them all: installs the Node reference runner when the
# repository has one, builds the solution, pulls the models the tests use, runs every test project, and
# ends with one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
if [ -f tools/reference/package-lock.json ]; then
  command -v npm >/dev/null || { echo "error: Node.js and npm are required for tools/reference" >&2; exit 1; }
  npm ci --prefix tools/reference --no-audit --no-fund --loglevel=error
fi

# The browser tests drive Debian's Chromium (a browser download by the test tool is not possible offline).
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "error: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

# ffmpeg reads and writes videos (the video commands and their tests).
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
  else
    echo "error: videos are read with Debian's ffmpeg: sudo apt-get install ffmpeg" >&2
    exit 1
  fi
fi

# Tesseract is the text-reading peer of `sightline eval ocr` and the benchmarks.
if ! command -v tesseract >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null
  else
    echo "error: the text-reading peer needs Debian's Tesseract: sudo apt-get install tesseract-ocr tesseract-ocr-eng" >&2
    exit 1
  fi
fi

# The library store tests start a private PostgreSQL (initdb, pg_ctl) unless SIGHTLINE_TEST_POSTGRES names a server;
# Debian keeps the binaries in /usr/lib/postgresql/N/bin, off the PATH.
if [ -z "${SIGHTLINE_TEST_POSTGRES:-}" ] && ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "error: the library store tests need PostgreSQL: sudo apt-get install postgresql (or set SIGHTLINE_TEST_POSTGRES=postgres://user:password@host:port/database)" >&2
    exit 1
  fi
fi

# One PostgreSQL on loopback for the duration of the tests (the library store's test suite runs against it as
# well as against SQLite), stopped and deleted when this script ends.
if [ -z "${SIGHTLINE_TEST_POSTGRES:-}" ]; then
  pgbin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  pgdir=$(mktemp -d /tmp/sightline-pg.XXXXXX)
  pgas=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$pgdir"; pgas=(runuser -u postgres --); fi  # initdb refuses root
  "${pgas[@]}" "$pgbin/initdb" -D "$pgdir/data" -U sightline --auth=trust -E UTF8 >/dev/null
  pgport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${pgas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -o "-h 127.0.0.1 -p $pgport -k $pgdir" -l "$pgdir/server.log" -w start >/dev/null
  trap '"${pgas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
  export SIGHTLINE_TEST_POSTGRES="postgres://sightline@127.0.0.1:$pgport/postgres"
  echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$pgport"
fi

dotnet build Sightline.slnx -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
# Pull once before the test processes start, so they share one verified cache.
./sightline models pull resnet18-imagenet face-api human-blazeface face-api-face-landmark-68 face-api-face-recognition \
  face-api-face-expression face-api-age-gender human-faceres human-centernet human-selfie u2netp nsfwjs-mobilenet-v2 ocr-models

# Each fuzz target runs for a short bounded time under AFL++ (the corpus replay is among the tests); a longer
# run is `fuzz/run.sh --seconds 600`.
status=0
fuzzout=$(mktemp -d /tmp/sightline-fuzz.XXXXXX)
fuzz/run.sh --seconds "${SIGHTLINE_FUZZ_SECONDS:-20}" --out "$fuzzout" || status=$?
rm -rf "$fuzzout"

log=$(mktemp)
dotnet test Sightline.slnx -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
