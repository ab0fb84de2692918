# numpy/OpenBLAS side of the GEMM comparison, same shapes and transposes as gemm_bench.cpp.
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 python3 native/tests/gemm_bench_numpy.py NN 1 [64x64x64,...]
# Prints "MxKxN cpu_rate wall_rate" (GFLOP/s, medians of 7): cpu_rate over time.thread_time (1 thread)
# or time.process_time / threads (a flawed 2-thread measure: OpenBLAS spins, small shapes run on 1 thread).
# Interleave with build/gemm-test/gemm_bench runs and compare ratios.
import os, sys, time
import numpy as np
tr = sys.argv[1]; th = int(sys.argv[2]); reps = 7
shapes = [(64,64,64),(128,128,128),(256,256,256),(512,512,512),(1024,1024,1024),(2048,2048,2048),(1,784,512),(64,784,512),(256,512,512)]
if len(sys.argv) > 3: shapes = [s for s in shapes if "%dx%dx%d" % s in sys.argv[3].split(",")]
rng = np.random.default_rng(1)
clk = time.thread_time if th == 1 else time.process_time
for M,K,N in shapes:
    A = rng.uniform(-1,1,(K,M) if tr[0]=='T' else (M,K)).astype(np.float32)
    B = rng.uniform(-1,1,(N,K) if tr[1]=='T' else (K,N)).astype(np.float32)
    a = A.T if tr[0]=='T' else A
    b = B.T if tr[1]=='T' else B
    C = np.empty((M,N), np.float32)
    fl = 2.0*M*N*K
    t0=time.perf_counter(); n=0
    while time.perf_counter()-t0 < 0.05 or n < 2: np.matmul(a,b,out=C); n+=1
    iters = max(1, int(n*0.03/(time.perf_counter()-t0)))
    rates=[]; wr=[]
    for r in range(reps):
        t0=clk(); w0=time.perf_counter()
        for i in range(iters): np.matmul(a,b,out=C)
        rates.append(fl*iters/((clk()-t0)/th)*1e-9); wr.append(fl*iters/(time.perf_counter()-w0)*1e-9)
    rates.sort(); wr.sort()
    print("%dx%dx%d %.1f %.1f" % (M,K,N, rates[reps//2], wr[reps//2]), flush=True)
