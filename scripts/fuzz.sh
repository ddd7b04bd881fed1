#!/usr/bin/env bash
# Builds the libFuzzer targets in Tests/Fuzz and runs each for a bounded time.
#
#   scripts/fuzz.sh [--seconds N] [--runs N] [--merge] [--build-only] [TARGET...]
#
# TARGET is `decoder` (single events, batches, arrays) or `time` (the `at` parser); the default is both.
# Each runs N seconds (default: $FUZZ_SECONDS, else 60) starting from its seed corpus Tests/Fuzz/corpus/TARGET;
# --runs N stops it after N inputs instead (the seconds still bound it), so a run tries as many on a fast machine
# as on a slow one.
# Inputs that reach new code are written to .build-fuzz/corpus/TARGET, never to the repository;
# --merge then adds to the seed corpus only those that cover something the seeds do not.
# A crash or a broken invariant stops the run, saves the input as .build-fuzz/crashes/TARGET-*, and
# fails; reproduce it with `.build-fuzz/TARGET FILE`.
#
# The targets are compiled by swiftc straight from Sources/Registry/Events and three files of
# Sources/Registry/Model (Foundation only), not by rebuilding the package with the sanitizer; a target is
# rebuilt only when one of its sources is newer than it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
SWIFTC=${SWIFTC:-swiftc}
# Swift's own crash backtracer reads the stack in a way AddressSanitizer reports as an underflow,
# hiding the real failure; libFuzzer's report is enough.
export SWIFT_BACKTRACE=enable=no

seconds=${FUZZ_SECONDS:-60}
runs=-1
merge=false
build_only=false
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --merge) merge=true; shift ;;
        --build-only) build_only=true; shift ;;
        -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        decoder | time) targets+=("$1"); shift ;;
        *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(decoder time)

out=.build-fuzz
# The decoder needs only these model files (the rest of Model refers to the store's types).
shared=(Sources/Registry/Events/*.swift Sources/Registry/Model/EventKind.swift Sources/Registry/Model/WorkerEvent.swift
    Sources/Registry/Model/EscapedText.swift Sources/Registry/Push/MetricPush.swift Tests/Fuzz/Support/*.swift)

# The longest input per target: room for a message past 4096 characters, and for any timestamp.
max_len() {
    case "$1" in
        decoder) echo 16384 ;;
        time) echo 128 ;;
    esac
}

build() {
    local target=$1 binary=$out/$1
    local harness=Tests/Fuzz/Targets/${target^}.swift
    if [ -x "$binary" ] && [ -z "$(find "${shared[@]}" "$harness" -newer "$binary")" ]; then
        return
    fi
    mkdir -p "$out"
    echo "fuzz: building $binary"
    local started=$SECONDS
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g \
        -swift-version 6 -enable-upcoming-feature ExistentialAny -use-ld=lld \
        -module-name "Fuzz${target^}" "${shared[@]}" "$harness" -o "$binary.new"
    mv "$binary.new" "$binary"
    echo "fuzz: built $binary in $((SECONDS - started)) s"
}

run() {
    local target=$1 binary=$out/$1 seeds=Tests/Fuzz/corpus/$1 found=$out/corpus/$1 log=$out/logs/$1.log
    mkdir -p "$found" "$out/crashes" "$out/logs"
    echo "fuzz: $target for $seconds s (seeds: $(ls "$seeds" | wc -l), found so far: $(ls "$found" | wc -l))"
    local status=0
    "$binary" "$found" "$seeds" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -max_total_time="$seconds" -runs="$runs" -max_len="$(max_len "$target")" \
        -dict="Tests/Fuzz/$target.dict" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target-" >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$log" >&2
        echo "fuzz: $target FAILED (full log: $log); reproduce with: $binary $out/crashes/$target-*" >&2
        return "$status"
    fi
    grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" | sed "s/^/fuzz: $target: /"
    echo "fuzz: $target: corpus $(ls "$found" | wc -l) found + $(ls "$seeds" | wc -l) seeds; $(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)"
    if $merge; then
        "$binary" -merge=1 -max_len="$(max_len "$target")" "$seeds" "$found" >>"$log" 2>&1
        echo "fuzz: $target: merged; the seed corpus now has $(ls "$seeds" | wc -l) inputs"
    fi
}

for target in "${targets[@]}"; do build "$target"; done
$build_only && exit 0
for target in "${targets[@]}"; do run "$target"; done
