#!/bin/sh
# Builds and runs the activation accuracy test (and builds the benchmark) outside the addon build:
# each kernel file is compiled with its own -march into an object, then everything is linked.
#   native/tests/build_activation_test.sh            build, check symbols, run the test
#   native/tests/build_activation_test.sh --bench    run native/tests/activation_bench instead
#                                     (add --reference to time the float64 reference too)
# Also builds libactivation.so (the same kernels, position-independent) for
# native/tests/activation_bench_torch.py --interleaved, which times them against PyTorch in one process.
# Never -march=native, -ffast-math or -Ofast (DESIGN.md §5).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="${BUILD_DIR:-$here/../../build/activation_test}"
mkdir -p "$out"
CXX="${CXX:-g++}"
FLAGS="-std=c++17 -O2 -Wall -Wextra -fno-math-errno"
# an ISA group's activation source and flags, from native/sources.json
src() { node -p "require('$root/native/sources.json')['$1'].filter((f) => f.includes('/activation/')).map((f) => '$root/' + f).join(' ')"; }
flags() { node -p "require('$root/native/sources.json').flags['$1'].join(' ')"; }

for isa in reference avx2 avx512; do
  # shellcheck disable=SC2046
  $CXX $FLAGS $(flags $isa) -c $(src $isa) -o "$out/activation_$isa.o"
done
$CXX $FLAGS -c "$here/activation_test.cpp" -o "$out/activation_test.o"
$CXX $FLAGS -c "$here/activation_bench.cpp" -o "$out/activation_bench.o"

# The ODR trap: an ISA object must define nothing weak (no inline or template code that the linker
# could pick for another ISA) and export only its own namespace.
for isa in avx2 avx512; do
  if nm -C "$out/activation_$isa.o" | grep -E ' [WVu] '; then
    echo "activation_$isa.o defines weak symbols (see above): keep helpers in the anonymous namespace" >&2
    exit 1
  fi
  if nm -C --defined-only --extern-only "$out/activation_$isa.o" | grep -v "kindling::$isa::"; then
    echo "activation_$isa.o exports symbols outside kindling::$isa" >&2
    exit 1
  fi
done

objs="$out/activation_reference.o $out/activation_avx2.o $out/activation_avx512.o"
$CXX "$out/activation_test.o" $objs -lm -o "$out/activation_test"
$CXX "$out/activation_bench.o" $objs -lm -o "$out/activation_bench"
for isa in reference avx2; do
  # shellcheck disable=SC2046
  $CXX $FLAGS -fPIC $(flags $isa) -c $(src $isa) -o "$out/activation_${isa}_pic.o"
done
$CXX -shared "$out/activation_reference_pic.o" "$out/activation_avx2_pic.o" -lm -o "$out/libactivation.so"
if [ "${1:-}" = "--bench" ]; then shift; exec "$out/activation_bench" "$@"; fi
"$out/activation_test"

# Without AVX-512 on this CPU (or with KINDLING_EMULATE_AVX512 set), also run the test against the avx512 kernels emulated by SIMDe
# (apt-get install libsimde-dev): it checks their logic, not their speed. The intrinsics SIMDe 0.7
# lacks (rcp14, getmant, getexp, reductions, cvtps_pd) are emulated lane by lane in the kernel file.
if { [ -n "${KINDLING_EMULATE_AVX512:-}" ] || ! grep -q avx512f /proc/cpuinfo 2>/dev/null; } && [ -f /usr/include/simde/x86/avx512.h ]; then
  EMU="-DKINDLING_ACTIVATION_EMULATE_AVX512"
  $CXX $FLAGS -Wno-psabi -march=x86-64-v3 $EMU -c $(src avx512) -o "$out/activation_avx512_emu.o"
  if nm -C --defined-only --extern-only "$out/activation_avx512_emu.o" | grep -v "kindling::avx512::"; then
    echo "activation_avx512_emu.o exports symbols outside kindling::avx512" >&2
    exit 1
  fi
  $CXX $FLAGS $EMU -c "$here/activation_test.cpp" -o "$out/activation_test_emu.o"
  $CXX "$out/activation_test_emu.o" "$out/activation_reference.o" "$out/activation_avx2.o" "$out/activation_avx512_emu.o" \
    -lm -o "$out/activation_test_avx512_emulated"
  echo
  echo "== avx512 kernels under SIMDe emulation"
  "$out/activation_test_avx512_emulated"
fi
