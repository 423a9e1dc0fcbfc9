#!/usr/bin/env bash
# The long fuzzing campaign of the safetensors reader (docs/reliability.md, "Readers"): Jazzer's command-line
# driver on SafeTensorsFuzzTest.fuzzerTestOneInput, one process, a 64 MB heap.
#
#   tools/fuzz/safetensors-campaign.sh [RUNS]      (from the repository root; RUNS defaults to 10,000,000)
#
# The JVM sees only the modules Jazzer needs (--limit-modules): at start-up Jazzer scans every observable module
# for its hooks, which alone needs more than 64 MB with the whole JDK in view. New corpus entries go to
# nn/target/fuzz/corpus, findings (crashing inputs) to nn/target/fuzz/findings; a finding worth keeping is copied
# into nn/src/test/resources/dev/jgan/nn/io/SafeTensorsFuzzTestInputs/parse, where every build replays it.
set -euo pipefail
runs="${1:-10000000}"
jazzer_version=0.24.0
m2="${HOME}/.m2/repository/com/code-intelligence"
mvn -B -q -pl nn -am test-compile
# A snapshot of the classes, so that rebuilding the tree does not change a running campaign.
snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
cp -r autodiff/target/classes "$snapshot/autodiff"
cp -r nn/target/classes "$snapshot/nn"
cp -r nn/target/test-classes "$snapshot/nn-test"
mkdir -p nn/target/fuzz/corpus nn/target/fuzz/findings
cp="$snapshot/autodiff:$snapshot/nn:$snapshot/nn-test:$m2/jazzer-api/$jazzer_version/jazzer-api-$jazzer_version.jar:$m2/jazzer/$jazzer_version/jazzer-$jazzer_version.jar"
java -version 2>&1 | head -1
exec nice -n 10 java -Xmx64m \
  --limit-modules java.base,java.instrument,java.logging,java.management,jdk.unsupported,jdk.attach,jdk.management \
  -cp "$cp" com.code_intelligence.jazzer.Jazzer \
  --target_class=dev.jgan.nn.io.SafeTensorsFuzzTest --instrumentation_includes='dev.jgan.**' \
  -runs="$runs" -max_len=16384 -timeout=30 -print_final_stats=1 -artifact_prefix=nn/target/fuzz/findings/ \
  nn/target/fuzz/corpus nn/src/test/resources/dev/jgan/nn/io/SafeTensorsFuzzTestInputs/parse
