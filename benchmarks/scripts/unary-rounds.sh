#!/usr/bin/env bash
# The transcendental kernels (exp, tanh, sigmoid) before and after FloatMath: the jar of commit 2ffbce7 (the Vector
# API's lanewise EXP/TANH and Math.exp/Math.tanh, with UnaryBenchmark and its two subclasses copied in) against this
# one, vector and scalar paths, on JDK 17 and JDK 25, alternated, in two rounds (docs/benchmarks.md, "Transcendental
# kernels"). Usage, from the project root: BEFORE=path/to/old-benchmarks.jar benchmarks/scripts/unary-rounds.sh
set -euo pipefail
: "${BEFORE:?set BEFORE to the benchmarks jar of the commit to compare with}"
AFTER=${AFTER:-benchmarks/target/benchmarks.jar}
OUT=${OUT:-target/unary-rounds}
mkdir -p "$OUT"
jdks=(/usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
for round in 1 2; do
  for j in "${jdks[@]}"; do
    v=$("$j" -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')
    for path in UnaryVector UnaryScalar; do
      for side in before after; do
        jar=$BEFORE; [ "$side" = after ] && jar=$AFTER
        echo "== round $round, JDK $v, $path, $side"
        "$j" -jar "$jar" "$path" -f 1 -wi 3 -i 5 -w 1 -r 1 -rf csv -rff "$OUT/r$round-$v-$path-$side.csv" | grep -E "^Unary|Benchmark "
      done
    done
  done
done
