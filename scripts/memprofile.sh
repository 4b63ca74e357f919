#!/usr/bin/env bash
# Measures what uploading a 1 GiB sparse file costs in memory: builds the
# internal/memtest test binary and runs TestUploadMemory1GiB
# (AUTHENTA_BIG=1) under /usr/bin/time -v. The test logs TotalAlloc for the
# SDK and for a raw PUT, and VmHWM; time -v adds the peak RSS as the kernel
# saw it. Usage: scripts/memprofile.sh [extra test flags, e.g. -test.v]
set -euo pipefail

cd "$(dirname "$0")/.."

bin=$(mktemp -d)/memtest.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./internal/memtest

timecmd=()
if [[ -x /usr/bin/time ]]; then
	timecmd=(/usr/bin/time -v)
else
	echo "/usr/bin/time not found: no kernel peak RSS (apt-get install time)" >&2
fi

AUTHENTA_BIG=1 "${timecmd[@]}" "$bin" -test.run='^TestUploadMemory(256MiB|1GiB)$' -test.v -test.count=1 "$@" 2>&1 |
	grep -E 'TotalAlloc|VmHWM|beyond|PASS|FAIL|ok|Maximum resident|Elapsed \(wall|memory_test'
