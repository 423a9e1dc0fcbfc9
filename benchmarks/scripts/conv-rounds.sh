#!/usr/bin/env bash
# The convolution layers against PyTorch on a noisy host: ROUNDS rounds (default 3), each PyTorch's conv section
# followed at once by ConvVector on JDK 17 and JDK 25, as JMH means (1 and 2 threads) and as medians of single
# calls (-bm sample, p0.50: the statistic PyTorch's script reports). Then the training steps once, PyTorch's first.
# Run from the project root after `mvn -q -pl benchmarks -am package -DskipTests`. Environment as in sitting.sh.
set -u
OUT=${OUT:-target/conv-rounds}; JAR=${JAR:-benchmarks/target/benchmarks.jar}; REF=${REF:-../shared/reference}
PY=${PY:-/usr/bin/python3}   # Debian's, with python3-torch and numpy
J17=${J17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}; J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd); JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
date -u +%FT%TZ > "$OUT/start"
for r in $(seq 1 "${ROUNDS:-3}"); do
  (cd "$REF" && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 1 conv > "$OUT/torch1-$r.txt" 2>&1)
  "$J17" -jar "$JAR" ConvVector -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/avgt17-$r.txt" 2>&1
  "$J25" -jar "$JAR" ConvVector -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/avgt25-$r.txt" 2>&1
  "$J17" -jar "$JAR" ConvVector -p threads=1 -bm sample -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/sample17-$r.txt" 2>&1
  "$J25" -jar "$JAR" ConvVector -p threads=1 -bm sample -f 1 -wi 4 -i 5 -w 1 -r 1 > "$OUT/sample25-$r.txt" 2>&1
done
(cd "$REF" && OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 2 conv dcgan > "$OUT/torch2.txt" 2>&1)
(cd "$REF" && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" torch_reference.py 1 dcgan gauss > "$OUT/torch1-train.txt" 2>&1)
"$J17" -jar "$JAR" TrainingStepVector -f 1 -wi 8 -i 5 -w 2 -r 2 > "$OUT/train-17.txt" 2>&1
"$J25" -jar "$JAR" TrainingStepVector -f 1 -wi 8 -i 5 -w 2 -r 2 > "$OUT/train-25.txt" 2>&1
"$J17" -jar "$JAR" ConvVector -p threads=1 -f 1 -wi 3 -i 3 -w 1 -r 1 -prof gc > "$OUT/gc-17.txt" 2>&1
date -u +%FT%TZ > "$OUT/end"
