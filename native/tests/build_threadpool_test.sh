#!/bin/sh
# Builds and runs the thread pool's stress test twice: under ThreadSanitizer (data races, lost
# wake-ups show as hangs or reports) and optimised; also builds threadpool_bench (what a split
# costs here: see that file).
#   native/tests/build_threadpool_test.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${BUILD_DIR:-$here/../../build/threadpool_test}"
mkdir -p "$out"
CXX="${CXX:-g++}"
# the pool's source, from native/sources.json
pool=$(node -p "require('$here/../sources.json').common.filter((f) => f.endsWith('/threadpool.cpp')).map((f) => '$here/../../' + f).join(' ')")
$CXX -std=c++17 -O1 -g -Wall -Wextra -fsanitize=thread -pthread "$here/threadpool_test.cpp" $pool -o "$out/threadpool_test_tsan"
$CXX -std=c++17 -O2 -Wall -Wextra -pthread "$here/threadpool_test.cpp" $pool -o "$out/threadpool_test"
$CXX -std=c++17 -O2 -Wall -Wextra -pthread "$here/threadpool_bench.cpp" $pool -o "$out/threadpool_bench"
TSAN_OPTIONS="halt_on_error=1" "$out/threadpool_test_tsan"
"$out/threadpool_test"
