#!/usr/bin/env bash
# Runs the SDK's benchmark set with -count=6 into a file and prints the
# benchstat summary. Usage:
#
#   scripts/bench.sh [out-file] [extra go test flags...]
#
# The raw output goes to out-file (default bench-<date>.txt in the current
# directory). BENCH overrides the benchmark pattern, COUNT the count and
# BENCHTIME the -benchtime. benchstat is installed with `go install` when
# it is missing.
set -euo pipefail

cd "$(dirname "$0")/.."

out=${1:-bench-$(date +%Y%m%d-%H%M%S).txt}
shift || true
pattern=${BENCH:-'^Benchmark(PairedJobsGet|PairedJobDecode|PairedDetect|PairedUpload|DetectFake|WaitPolling)$'}
count=${COUNT:-6}
benchtime=${BENCHTIME:-1s}

benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da
benchstat=$(command -v benchstat || true)
if [[ -z $benchstat ]]; then
	gobin=$(go env GOBIN)
	[[ -n $gobin ]] || gobin=$(go env GOPATH)/bin
	if [[ ! -x $gobin/benchstat ]]; then
		echo "installing benchstat@$benchstat_version" >&2
		go install "golang.org/x/perf/cmd/benchstat@$benchstat_version"
	fi
	benchstat=$gobin/benchstat
fi

echo "go test -run='^\$' -bench='$pattern' -benchmem -count=$count -benchtime=$benchtime $* . > $out" >&2
go test -run='^$' -bench="$pattern" -benchmem -count="$count" -benchtime="$benchtime" "$@" . | tee "$out" >&2

"$benchstat" "$out"
