"""Times numpy's fp32 GEMM (OpenBLAS) for benchmarks/gemm.mjs: one shape, n repetitions, prints
the median seconds. Usage: python3 numpy_gemm.py M K N reps threads"""
import os
import sys
import time

M, K, N, reps, threads = (int(v) for v in sys.argv[1:6])
os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
import numpy as np  # noqa: E402  (after the thread count is set)

rng = np.random.default_rng(0)
a = rng.standard_normal((M, K), dtype=np.float32)
b = rng.standard_normal((K, N), dtype=np.float32)
c = np.empty((M, N), dtype=np.float32)
np.matmul(a, b, out=c)
times = []
for _ in range(reps):
    t = time.perf_counter()
    np.matmul(a, b, out=c)
    times.append(time.perf_counter() - t)
times.sort()
print(times[len(times) // 2])
