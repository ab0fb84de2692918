#!/bin/sh
# Builds and runs the native kernels' own C++ tests, outside the addon: GEMM (every ISA this CPU
# runs, AVX-512 also under emulation when the CPU lacks it), activations, the portable kernels
# under ASan/UBSan, the thread pool under ThreadSanitizer, and the arm64 (NEON) kernels under
# qemu when an aarch64 cross compiler and qemu-user are installed. Each suite is one check.
# Ends with the line "N passed, N failed".
#   npm run test:native
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
run() {
  name=$1
  shift
  echo "=== native: $name"
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: native $name"; failed=$((failed + 1)); fi
}
# Under CI, a check that cannot run is a failure, not a silent skip: .ci/run installs the tools.
require() {
  if [ -n "${CI:-}" ]; then echo "FAILED: native $1 not run ($2)"; failed=$((failed + 1)); else echo "=== native: $1 not run ($2)"; fi
}
if ! grep -q avx512f /proc/cpuinfo 2>/dev/null && [ ! -f /usr/include/simde/x86/avx512.h ]; then
  require "avx512 emulation" "needs libsimde-dev"
fi
run gemm sh native/tests/build_gemm_test.sh --run
run activations sh native/tests/build_activation_test.sh
run portable sh native/tests/build_portable_test.sh
run threadpool sh native/tests/build_threadpool_test.sh
if command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1; then
  run neon sh native/tests/build_neon_test.sh
else
  require neon "needs g++-aarch64-linux-gnu and qemu-user"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
