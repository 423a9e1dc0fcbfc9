#!/usr/bin/env bash
# Whole training iterations against PyTorch (docs/benchmarks.md, "Whole iterations"): each pass runs the PyTorch
# reference (1 thread: dcgan, wgangp, gauss; 2 threads: dcgan, wgangp), numpy's SGEMM 1024^3, then TrainingStepVector
# and GemmVector 1024^3 on JDK 17 and JDK 25; passes repeat in that order so both sides see the same drift. Then
# iterations-table.py prints the ratio table (median over passes, [lowest-highest pass]).
# Run from the project root after `mvn -q -DskipTests install`, with nothing else running. About 9 minutes a pass.
# Environment: PASSES (default 3), OUT (default target/iterations), JAR, REF, PY, J17, J25.
set -euo pipefail
PASSES=${PASSES:-3}; OUT=${OUT:-target/iterations}; JAR=${JAR:-benchmarks/target/benchmarks.jar}
REF=${REF:-../shared/reference}; PY=${PY:-/usr/bin/python3}   # Debian's python3, with python3-torch and numpy
J17=${J17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}; J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd); JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
date -u +%FT%TZ > "$OUT/start"
for pass in $(seq 1 "$PASSES"); do
  echo "== pass $pass $(date -u +%T)"
  (cd "$REF" && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 1 dcgan wgangp gauss > "$OUT/torch-1-$pass.txt" 2>&1)
  (cd "$REF" && OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 2 dcgan wgangp > "$OUT/torch-2-$pass.txt" 2>&1)
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" "$HERE/numpy_gemm.py" > "$OUT/numpy-1-$pass.txt" 2>&1
  for J in "$J17" "$J25"; do
    V=$("$J" -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/' | cut -d. -f1)
    "$J" -jar "$JAR" TrainingStepVector -p threads=1 -f 1 -wi 6 -i 5 -w 2 -r 2 -rf csv -rff "$OUT/jgan-$V-1-$pass.csv" > "$OUT/jgan-$V-1-$pass.txt" 2>&1
    "$J" -jar "$JAR" "TrainingStepVector.(dcgan|wganGp)Iteration" -p threads=2 -f 1 -wi 6 -i 5 -w 2 -r 2 -rf csv -rff "$OUT/jgan-$V-2-$pass.csv" > "$OUT/jgan-$V-2-$pass.txt" 2>&1
    "$J" -jar "$JAR" GemmVector -p threads=1 -p shape=1024x1024@1024x1024 -f 1 -wi 3 -i 5 -w 1 -r 1 -rf csv -rff "$OUT/gemm-$V-$pass.csv" > "$OUT/gemm-$V-$pass.txt" 2>&1
  done
done
date -u +%FT%TZ > "$OUT/end"
"$PY" "$HERE/iterations-table.py" "$OUT"
