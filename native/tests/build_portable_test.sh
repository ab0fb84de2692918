#!/bin/sh
# Builds and runs the portable kernels' fuzz test under AddressSanitizer and UBSan (baseline flags,
# as the addon compiles them).
#   native/tests/build_portable_test.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${BUILD_DIR:-$here/../build/portable_test}"
mkdir -p "$out"
CXX="${CXX:-g++}"
$CXX -std=c++17 -O2 -g -Wall -Wextra -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  "$here/portable_test.cpp" "$here/../elementwise.cpp" "$here/../reduce.cpp" "$here/../optim_update.cpp" -o "$out/portable_test"
"$out/portable_test"
