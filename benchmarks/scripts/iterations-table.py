#!/usr/bin/env python3
"""The ratio table of benchmarks/scripts/iterations.sh: reads its folder, prints markdown. Each cell is the median over
passes and [lowest-highest pass]; a ratio is jgan's time over PyTorch's in the same pass (for SGEMM, jgan's
throughput over numpy/OpenBLAS's)."""
import csv, glob, os, re, statistics, sys

out = sys.argv[1]
TORCH = {("dcgan", "iteration("): "dcgan", ("wgangp", "iteration("): "wgangp", ("gauss", "standard_iteration"): "gauss",
         ("gauss", "unrolled_k5_second_order_sgd"): "unrolled-sgd", ("gauss", "unrolled_k5_second_order_adam"): "unrolled-adam",
         ("gauss", "unrolled_k5_first_order"): "first-order"}
JMH = {"dcganIteration": "dcgan", "wganGpIteration": "wgangp", "gaussIteration": "gauss", "unrolledSgdIteration": "unrolled-sgd",
       "unrolledAdamIteration": "unrolled-adam", "firstOrderIteration": "first-order"}
ROWS = [("dcgan", 1), ("dcgan", 2), ("wgangp", 1), ("wgangp", 2), ("gauss", 1), ("unrolled-sgd", 1), ("unrolled-adam", 1), ("first-order", 1)]
NAMES = {"dcgan": "DCGAN iteration", "wgangp": "WGAN-GP iteration", "gauss": "8 Gaussians, standard",
         "unrolled-sgd": "8 Gaussians, Unrolled k=5, 2nd order, SGD inner", "unrolled-adam": "8 Gaussians, Unrolled k=5, 2nd order, Adam inner",
         "first-order": "8 Gaussians, Unrolled k=5, 1st order"}
FLOP_1024 = 2 * 1024 ** 3

def passes(pattern):
    return sorted({int(re.search(r"-(\d+)\.(txt|csv)$", f).group(1)) for f in glob.glob(os.path.join(out, pattern))})

def torch(threads, p):
    found = {}
    path = os.path.join(out, f"torch-{threads}-{p}.txt")
    for line in open(path) if os.path.exists(path) else []:
        if not line.startswith("RESULT|"): continue
        _, section, what, _, med = line.split("|")[:5]
        for (s, prefix), key in TORCH.items():
            if s == section and what.startswith(prefix): found[key] = float(med)
    return found

def jmh(path):
    found = {}
    if not os.path.exists(path): return found
    for row in csv.DictReader(open(path)):
        found[row["Benchmark"].rsplit(".", 1)[1]] = float(row["Score"])
    return found

def cell(xs, fmt="{:.2f}"):
    if not xs: return "-"
    return (fmt + " [" + fmt + "-" + fmt + "]").format(statistics.median(xs), min(xs), max(xs))

ps = passes("torch-1-*.txt")
jdks = sorted({re.search(r"jgan-(\d+)-", f).group(1) for f in glob.glob(os.path.join(out, "jgan-*-1-*.csv"))}, key=int)
print(f"passes: {len(ps)}; {open(os.path.join(out, 'start')).read().strip()} to "
      f"{open(os.path.join(out, 'end')).read().strip() if os.path.exists(os.path.join(out, 'end')) else '?'}\n")
head = "| workload | threads | PyTorch 1.13 (ms) | " + " | ".join(f"jgan JDK {v} (ms) | ratio JDK {v}" for v in jdks) + " |"
print(head); print("|" + "---|" * (3 + 2 * len(jdks)))
for key, threads in ROWS:
    t = {p: torch(threads, p).get(key) for p in ps}
    row = f"| {NAMES[key]} | {threads} | {cell([x for x in t.values() if x])} |"
    for v in jdks:
        j = {p: {JMH[k]: s for k, s in jmh(os.path.join(out, f"jgan-{v}-{threads}-{p}.csv")).items() if k in JMH}.get(key) for p in ps}
        ratios = [j[p] / t[p] for p in ps if j[p] and t[p]]
        row += f" {cell([x for x in j.values() if x])} | {cell(ratios)} |"
    print(row)
np_ = []
for p in ps:
    path = os.path.join(out, f"numpy-1-{p}.txt")
    for line in open(path) if os.path.exists(path) else []:
        if line.startswith("1024x1024@1024x1024"): np_.append(float(line.split()[-2]))
row = f"| SGEMM 1024^3 (GFLOP/s) | 1 | {cell(np_, '{:.1f}')} (OpenBLAS) |"
for v in jdks:
    g = {p: jmh(os.path.join(out, f"gemm-{v}-{p}.csv")).get("gemm") for p in ps}
    gf = {p: FLOP_1024 / (g[p] * 1e3) for p in ps if g[p]}
    ratios = [gf[p] / np_[i] for i, p in enumerate(ps) if p in gf and i < len(np_)]
    row += f" {cell(list(gf.values()), '{:.1f}')} | {cell(ratios)} (throughput) |"
print(row)
