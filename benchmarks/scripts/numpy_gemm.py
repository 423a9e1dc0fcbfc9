# SGEMM reference: numpy's a @ b (OpenBLAS) on the GEMM benchmark's shapes, 3 warm-ups, median of 30 calls.
# Threads from OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, set by the caller.
import time

import numpy as np

for (m, k, n) in [(1024, 1024, 1024), (64, 784, 1024), (6272, 576, 64), (4096, 128, 128)]:
    a = np.random.rand(m, k).astype(np.float32)
    b = np.random.rand(k, n).astype(np.float32)
    for _ in range(3):
        a @ b
    ts = []
    for _ in range(30):
        t0 = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - t0)
    ts.sort()
    med = ts[15]
    print(f"{m}x{k}@{k}x{n} median {med*1e3:.3f} ms {2*m*n*k/med/1e9:.1f} GFLOP/s")
