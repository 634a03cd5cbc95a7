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

dotnet build Sightline.slnx -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
# Pull once before the test processes start, so they share one verified cache.
./sightline models pull resnet18-imagenet face-api human-blazeface face-api-face-landmark-68 face-api-face-recognition \
  face-api-face-expression face-api-age-gender human-faceres human-centernet human-selfie u2netp nsfwjs-mobilenet-v2

log=$(mktemp)
status=0
dotnet test Sightline.slnx -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
