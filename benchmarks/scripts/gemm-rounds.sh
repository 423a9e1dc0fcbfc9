#!/usr/bin/env bash
# The GEMM shapes against OpenBLAS on a noisy host: ROUNDS rounds (default 3), each numpy's a @ b (1 thread) followed
# at once by GemmVector on JDK 17 and JDK 25 at 1 thread. Run from the project root after
# `mvn -q -pl benchmarks -am package -DskipTests`. Environment as in sitting.sh. About 2 minutes per round.
set -u
OUT=${OUT:-target/gemm-rounds}; JAR=${JAR:-benchmarks/target/benchmarks.jar}
PY=${PY:-/usr/bin/python3}   # Debian's, with numpy
J17=${J17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}; J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd); JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
date -u +%FT%TZ > "$OUT/start"
for r in $(seq 1 "${ROUNDS:-3}"); do
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" "$HERE/numpy_gemm.py" > "$OUT/numpy1-$r.txt" 2>&1
  "$J17" -jar "$JAR" GemmVector -p threads=1 -f 1 -wi 3 -i 5 -w 1 -r 1 > "$OUT/gemm17-$r.txt" 2>&1
  "$J25" -jar "$JAR" GemmVector -p threads=1 -f 1 -wi 3 -i 5 -w 1 -r 1 > "$OUT/gemm25-$r.txt" 2>&1
done
date -u +%FT%TZ > "$OUT/end"
