#!/usr/bin/env bash
# The memory rows of docs/benchmarks.md, "Whole iterations", on JDK 17 and JDK 25: bytes allocated per iteration
# (JMH's gc profiler, TrainingStepVector at 1 thread in a -Xmx1g fork; -jvmArgsAppend replaces the fork's own
# arguments, so it repeats the vector module's), the share of time in GC pauses of each
# workload in -Xmx1g (RunWorkload, 25 s after 12 s of warm-up), and the DCGAN iteration on one CPU (taskset -c 0)
# with the collector the JVM picks there (SerialGC) against G1. Run from the project root after
# `mvn -q -DskipTests install`, with nothing else running; about 10 minutes. Environment: OUT, JAR, J17, J25.
set -euo pipefail
OUT=${OUT:-target/memory}; JAR=${JAR:-benchmarks/target/benchmarks.jar}
J17=${J17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}; J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
mkdir -p "$OUT"
# run PREFIX... -- JAVA_OPTIONS... WORKLOAD: RunWorkload at 1 kernel thread, 25 s after 12 s of warm-up.
run() {
  local pre=() ; while [ "$1" != "--" ]; do pre+=("$1"); shift; done; shift
  "${pre[@]}" --add-modules jdk.incubator.vector -Djgan.threads=1 "${@:1:$#-1}" -cp "$JAR" dev.jgan.benchmarks.RunWorkload "${@: -1}" 25 12 \
    2>/dev/null | grep RESULT
}
for J in "$J17" "$J25"; do
  V=$("$J" -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/' | cut -d. -f1)
  echo "== JDK $V $(date -u +%T)"
  "$J" -jar "$JAR" TrainingStepVector -p threads=1 -f 1 -wi 6 -i 3 -w 2 -r 2 \
    -jvmArgsAppend "--add-modules jdk.incubator.vector -Djgan.simd=on -Xmx1g" -prof gc \
    > "$OUT/alloc-$V.txt" 2>&1
  grep -E "^TrainingStepVector" "$OUT/alloc-$V.txt" | grep -E "avgt|alloc.rate.norm|gc.time|gc.count" || true
  for w in dcgan wgangp unrolled-adam; do echo "-Xmx1g: $(run "$J" -- -Xmx1g "$w")"; done
  echo "one CPU, $(taskset -c 0 "$J" -XX:+PrintCommandLineFlags -version 2>&1 | grep -o 'Use[A-Za-z]*GC'): $(run taskset -c 0 "$J" -- dcgan)"
  echo "one CPU, -XX:+UseG1GC: $(run taskset -c 0 "$J" -- -XX:+UseG1GC dcgan)"
done | tee "$OUT/summary.txt"
