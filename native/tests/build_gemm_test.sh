#!/bin/sh
# Builds (and with --run, runs) the standalone GEMM test and benchmark. Each kernel file gets its
# own ISA flag, exactly as in the addon build; never -march=native or -ffast-math.
#   native/tests/build_gemm_test.sh [--run] [--asan]
# Output: build/gemm-test/{gemm_test,gemm_bench}
set -eu
cd "$(dirname "$0")/../.."
CXX=${CXX:-g++}
OPT=${OPT:--O2}
OUT=${OUT:-build/gemm-test}
EXTRA=""
RUN=0
for arg in "$@"; do
  case "$arg" in
    --run) RUN=1 ;;
    --asan) EXTRA="-fsanitize=address,undefined -fno-omit-frame-pointer -g"; OUT=build/gemm-test-asan ;;
  esac
done
mkdir -p "$OUT"
FLAGS="$OPT -std=c++17 -Wall -Wextra $EXTRA"
# an ISA group's sources of one kernel family (gemm, activation) and its flags, from native/sources.json
src() { node -p "require('./native/sources.json')['$1'].filter((f) => f.includes('/$2/')).join(' ')"; }
flags() { node -p "require('./native/sources.json').flags['$1'].join(' ')"; }
# the epilogues call the same ISA's activation kernels
for isa in reference avx2 avx512; do
  for k in gemm activation; do
    # shellcheck disable=SC2046
    $CXX $FLAGS $(flags $isa) -c $(src $isa $k) -o "$OUT/${k}_$isa.o"
  done
done
ACT="$OUT/activation_reference.o $OUT/activation_avx2.o $OUT/activation_avx512.o"
OBJS="$OUT/gemm_reference.o $OUT/gemm_avx2.o $OUT/gemm_avx512.o $ACT"
$CXX $FLAGS native/tests/gemm_test.cpp $OBJS -o "$OUT/gemm_test"
# --threads N goes through parallel_gemm.cpp and the pool, with a stand-in kernel table
# shellcheck disable=SC2046
$CXX $FLAGS -pthread native/tests/gemm_bench.cpp native/tests/gemm_bench_dispatch.cpp \
  $(node -p "require('./native/sources.json').common.filter((f) => /parallel_gemm|threadpool/.test(f)).join(' ')") $OBJS -o "$OUT/gemm_bench"
# Without AVX-512 on this CPU (or with KINDLING_EMULATE_AVX512 set), also build a test whose avx512 kernels run on SIMDe emulation
# (apt-get install libsimde-dev): it checks their logic, not their speed.
if { [ -n "${KINDLING_EMULATE_AVX512:-}" ] || ! grep -q avx512f /proc/cpuinfo 2>/dev/null; } && [ -f /usr/include/simde/x86/avx512.h ]; then
  # shellcheck disable=SC2046
  $CXX $FLAGS -Wno-maybe-uninitialized -march=x86-64-v3 -DKINDLING_GEMM_EMULATE_AVX512 -c $(src avx512 gemm) -o "$OUT/gemm_avx512_emu.o"
  # shellcheck disable=SC2046
  $CXX $FLAGS -Wno-psabi -march=x86-64-v3 -DKINDLING_ACTIVATION_EMULATE_AVX512 -c $(src avx512 activation) -o "$OUT/activation_avx512_emu.o"
  $CXX $FLAGS -DKINDLING_GEMM_EMULATE_AVX512 native/tests/gemm_test.cpp "$OUT/gemm_reference.o" "$OUT/gemm_avx2.o" \
    "$OUT/gemm_avx512_emu.o" "$OUT/activation_reference.o" "$OUT/activation_avx2.o" "$OUT/activation_avx512_emu.o" -o "$OUT/gemm_test_avx512_emulated"
fi
if [ "$RUN" = 1 ]; then
  "$OUT/gemm_test"
  if [ -x "$OUT/gemm_test_avx512_emulated" ]; then "$OUT/gemm_test_avx512_emulated" --only avx512; fi
fi
