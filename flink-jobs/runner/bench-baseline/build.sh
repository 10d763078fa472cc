#!/usr/bin/env bash
# Compiles OldJobLauncher against a built checkout of the job before the core rebuild (commit 7d53432; pass its
# directory, built with `mvn -o -DskipTests package`, not install) and writes old-job.template, the --job command template for the benchmark.
# The template holds this machine's class path: generate it, never commit it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
old="$(cd "${1:?checkout of commit 7d53432, built with mvn package}" && pwd)"
cp="$old/flink-jobs/target/classes:$old/model/target/classes:$old/schemas/target/classes:$(cat "$old/flink-jobs/target/classpath.txt")"
out="${2:-$here/target}"
mkdir -p "$out/classes"
javac -d "$out/classes" -cp "$cp" "$here/OldJobLauncher.java"
cat > "$out/old-job.template" <<TEMPLATE
java -Xmx3g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1
 --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
 -Djava.io.tmpdir={work} -cp $out/classes:$cp OldJobLauncher --work {work}
 --set kafka.bootstrap.servers={bootstrap} --set delivery.guarantee={delivery}
 --set topic.interactions={inputTopic} --set topic.item-embeddings={outputTopic}
 --set topic.dead-letter={deadLetterTopic} --set topic.retention={retentionTopic}
 --set kafka.group.id={groupId} --set transactional.id.prefix={transactionalIdPrefix}
 --set checkpoint.interval={checkpointInterval} --set artifact.base={base} --set artifact.promo={promo}
 --set feedback.rules=synthetic
TEMPLATE
echo "wrote $out/old-job.template"
