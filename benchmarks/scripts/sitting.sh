#!/usr/bin/env bash
# One benchmark sitting, as docs/benchmarks.md reports it: the PyTorch and numpy references first, then every JMH
# run on JDK 17, then on JDK 25, then (when BEFORE names an older benchmarks.jar) before/after pairs on JDK 17.
# Run from the project root after `mvn -q -pl benchmarks -am package -DskipTests`, with nothing else running.
# Environment: OUT (results folder, default target/sitting), JAR, REF (the PyTorch reference folder), PY, J17, J25,
# BEFORE (optional). Takes about 30 minutes on 2 cores.
set -u
OUT=${OUT:-target/sitting}; JAR=${JAR:-benchmarks/target/benchmarks.jar}; REF=${REF:-../shared/reference}
PY=${PY:-/usr/bin/python3}   # Debian's, with python3-torch and numpy
J17=${J17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}; J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd); JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
date -u +%FT%TZ > "$OUT/start"
(cd "$REF" && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 1 conv sn dcgan gauss > "$OUT/torch1.txt" 2>&1)
(cd "$REF" && OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 2 conv dcgan > "$OUT/torch2.txt" 2>&1)
HERE=$(cd "$(dirname "$0")" && pwd)
for t in 1 2; do
  OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$PY" "$HERE/numpy_gemm.py" > "$OUT/numpy$t.txt" 2>&1
done
for J in "$J17" "$J25"; do
  V=$("$J" -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/' | cut -d. -f1)
  "$J" -jar "$JAR" GemmVector -f 1 -wi 3 -i 5 -w 1 -r 1 > "$OUT/gemm-$V.txt" 2>&1
  "$J" -jar "$JAR" ConvVector -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/conv-$V.txt" 2>&1
  "$J" -jar "$JAR" PowerIterationVector -f 1 -wi 3 -i 5 -w 1 -r 1 > "$OUT/pi-$V.txt" 2>&1
  "$J" -jar "$JAR" TrainingStepVector -f 1 -wi 8 -i 5 -w 2 -r 2 > "$OUT/train-$V.txt" 2>&1
  "$J" -jar "$JAR" GemmBaselines.ejml -f 1 -wi 3 -i 5 -w 1 -r 1 > "$OUT/ejml-$V.txt" 2>&1
  "$J" -jar "$JAR" "GemmBaselines.naive|GemmScalar|ConvScalar|PowerIterationScalar" -p threads=1 -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc > "$OUT/scalar-$V.txt" 2>&1
  "$J" -jar "$JAR" SvdBaseline -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc > "$OUT/svd-$V.txt" 2>&1
  "$J" -jar "$JAR" "GemmVector|ConvVector|PowerIterationVector" -f 1 -wi 3 -i 3 -w 1 -r 1 -prof gc > "$OUT/gc-$V.txt" 2>&1
done
if [ -n "${BEFORE:-}" ]; then
  for r in 1 2; do
    "$J17" -jar "$BEFORE" ConvVector -p threads=1 -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/before-conv-17-$r.txt" 2>&1
    "$J17" -jar "$JAR" ConvVector -p threads=1 -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/after-conv-17-$r.txt" 2>&1
  done
  "$J17" -jar "$BEFORE" TrainingStepVector.dcganIteration -p threads=1 -f 1 -wi 8 -i 5 -w 2 -r 2 > "$OUT/before-train-17.txt" 2>&1
  "$J17" -jar "$JAR" TrainingStepVector.dcganIteration -p threads=1 -f 1 -wi 8 -i 5 -w 2 -r 2 > "$OUT/after-train-17.txt" 2>&1
fi
date -u +%FT%TZ > "$OUT/end"
