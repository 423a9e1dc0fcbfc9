#!/usr/bin/env bash
# The smallest heap (-Xmx, to 8 MB) at which 30 second-order Unrolled GAN iterations of the 8-Gaussians job run,
# for each look-ahead k (docs/gan.md, "Unrolled GAN"). Usage: benchmarks/scripts/unrolled-memory.sh [jgan.jar]
# (build it first: mvn -B -q -DskipTests package).
set -u
jar=${1:-examples/target/jgan.jar}
out=$(mktemp -d)
for k in 0 1 2 5 10 20; do
  lo=8; hi=2048
  while [ $((hi - lo)) -gt 8 ]; do
    mid=$(( (lo + hi) / 2 ))
    if java -Xmx${mid}m --add-modules jdk.incubator.vector -jar "$jar" gaussians --scheme unrolled --unroll-steps $k \
        --steps 30 --eval-every 30 --log-every 30 --out "$out/k$k" > /dev/null 2>&1; then hi=$mid; else lo=$mid; fi
  done
  echo "k=$k smallest heap ${hi} MB"
done
rm -rf "$out"
