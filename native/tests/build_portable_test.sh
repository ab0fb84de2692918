#!/bin/sh
# Builds and runs the portable kernels' fuzz test under AddressSanitizer and UBSan (baseline flags,
# as the addon compiles them), with the reference optimizer updates and binary loops.
#   native/tests/build_portable_test.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="${BUILD_DIR:-$here/../../build/portable_test}"
mkdir -p "$out"
CXX="${CXX:-g++}"
# shellcheck disable=SC2046
$CXX -std=c++17 -O2 -g -Wall -Wextra -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  "$here/portable_test.cpp" $(node -p "require('$root/native/sources.json').portable.map((f) => '$root/' + f).join(' ')") \
  "$root/native/kernels/optim/optim_update_reference.cpp" "$root/native/kernels/portable/binary_reference.cpp" -o "$out/portable_test"
"$out/portable_test"
