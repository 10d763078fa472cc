#!/usr/bin/env bash
# A local multi-process cluster from Flink's and Kafka's own jars (Maven Central; no Docker, no flink-dist):
# a KRaft broker, a Flink JobManager (standalone session) and two TaskManagers, each in its own JVM, the
# Prometheus reporter on every Flink JVM and a Prometheus server scraping them (Debian's package, installed when
# missing). The updater runs as the image would run it: DJL in the cluster's class path, the job jar built without it
# (-Pimage-lib), submitted through Flink's client at parallelism 2 with RocksDB checkpoints on local disk.
#
#   deploy/local/cluster.sh start      build if needed, start everything, create the topics, submit the job
#   deploy/local/cluster.sh stop       stop everything (state and logs stay in the work directory)
#   deploy/local/cluster.sh status     processes, the job's state, Prometheus targets
#   deploy/local/cluster.sh replay N   send N generated events to the input topic
#   deploy/local/cluster.sh check      read the committed embeddings and check updateSeq per item
#   deploy/local/cluster.sh drill-rescale [N] [MODE]
#                                      N events (100,000) per phase; stop-with-savepoint and restore at parallelism
#                                      1, 4 and 2 between phases; PASS on the same checks after the last phase
#   deploy/local/cluster.sh drill-broker [N] [MODE]
#                                      N events (200,000) with the broker SIGKILLed 10 s in and started again 10 s
#                                      later; PASS on the same checks
#   deploy/local/cluster.sh drill-taskmanager [N] [MODE]
#                                      a fresh cluster, N events (200,000), one TaskManager SIGKILLed mid-stream and
#                                      restarted; PASS when the job recovers, every input offset is committed, no
#                                      dead letter appears and updateSeq never goes backwards in the committed output
#   deploy/local/cluster.sh drill-default [N] [MODE]
#                                      the TaskManager kill with the job's default profile (user stage on, not
#                                      reproducible): PASS on the invariants, every cold item's final event counts,
#                                      every item's phase, and the targeting AUC within the interval of the difference
#   deploy/local/cluster.sh drill-jobmanager [N] [MODE]
#                                      a fresh cluster, N events (200,000), the JobManager SIGKILLed mid-stream (3 s
#                                      after the second completed checkpoint); a new
#                                      JobManager is started and the job resubmitted from the latest retained
#                                      checkpoint, as an operator without HA would; PASS on the same checks
#   deploy/local/cluster.sh drill-artifact [N]
#                                      a corrupt, a missing and a mismatched artifact at submission (refused), then
#                                      a corrupt artifact at failover (the job waits, then recovers) and a replaced
#                                      PROMO artifact at failover (states adopted)
#   deploy/local/cluster.sh soak [MINUTES] [RATE]
#                                      a fresh cluster at RATE events/s (1,000) for MINUTES (130) of a churning feed
#                                      with 5-minute TTLs: TaskManager memory and its parts, RocksDB against managed
#                                      memory, checkpoint size and duration, lag, each judged after saturation (30
#                                      min) -> target/results/soak/soak.{json,png,html}
#
# Every drill (MODE: exactly-once, the default, or at-least-once) also runs the same events once without a failure
# (saved under target/local-cluster-references) and compares the committed updates with it: exactly-once, each
# present once with equal content and equal final embeddings; at-least-once, the same with repeats allowed.
#
#   deploy/local/cluster.sh --sasl-ssl COMMAND ...
#                                      the same on a broker that takes clients only over TLS with SCRAM-SHA-512
#                                      (certificates and passwords generated into the work directory's secrets/,
#                                      readable by the owner only); the job, the replay and the tools authenticate
#                                      through pinnacle.kafka.properties.* in the cluster's config.yaml, whose
#                                      passwords are ${file:...} references to those files. After a drill or on its
#                                      own (secure-check): clients without or with wrong credentials must be refused,
#                                      a bad record must reach the dead-letter topic, and no password may appear in
#                                      a log, a process's command line, the web UI's configuration, the broker's data
#                                      (dead letters included), Prometheus or a report.
#
# Work directory: target/local-cluster (PINNACLE_CLUSTER_DIR). Ports: broker 9092 (controller 9093), Flink REST
# 8081, JobManager RPC 6123, reporters 9249-9259 (JobManager first), Prometheus 9090; PINNACLE_CLUSTER_PORT_OFFSET
# adds to each, so that a second cluster can run beside the first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${PINNACLE_CLUSTER_DIR:-$ROOT/target/local-cluster}"
CONF="$WORK/conf"
ART="$ROOT/target/pinnacle-run/artifacts"
if [ "${1:-}" = "--sasl-ssl" ]; then export PINNACLE_CLUSTER_SASL_SSL=1; shift; fi
SECURE=${PINNACLE_CLUSTER_SASL_SSL:-}
SECRETS="$WORK/secrets"
OFFSET=${PINNACLE_CLUSTER_PORT_OFFSET:-0}
KAFKA_PORT=$((9092 + OFFSET))
CONTROLLER_PORT=$((9093 + OFFSET))
REST_PORT=$((8081 + OFFSET))
PROM_PORT=$((9090 + OFFSET))
REPORTER_PORT=$((9249 + OFFSET))
BOOTSTRAP=localhost:$KAFKA_PORT
REST=http://localhost:$REST_PORT
PROMETHEUS=http://localhost:$PROM_PORT
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { echo "[cluster $(date +%H:%M:%S)] $*"; }

build() {
  local cp_file="$ROOT/flink-jobs/runner/target/classpath.txt"
  if [ ! -f "$cp_file" ] || [ ! -d "$ROOT/flink-jobs/job/target/image/lib" ] \
      || ! ls "$ROOT"/flink-jobs/job/target/pinnacle-flink-job-*-job.jar >/dev/null 2>&1; then
    log "building (install, then the job jar without DJL and the lib directory)"
    mvn -B -q -f "$ROOT/pom.xml" -DskipTests install
    mvn -B -q -f "$ROOT/pom.xml" -DskipTests -Pjob-jar,image-lib -pl flink-jobs/job package
  fi
  if [ ! -d "$ART/base-synthetic" ] || [ ! -d "$ART/promo-synthetic" ]; then
    log "training the synthetic base and PROMO artifacts"
    "$ROOT/pinnacle" pretrain --dataset synthetic --out "$ART/base-synthetic"
    "$ROOT/pinnacle" prompt-train --dataset synthetic --artifact "$ART/base-synthetic" --out "$ART/promo-synthetic"
  fi
}

# The runner's class path without this project's own modules, its tools and DJL: Kafka's broker runs on it.
broker_classpath() {
  tr ':' '\n' < "$ROOT/flink-jobs/runner/target/classpath.txt" \
    | grep -v -e '/io/pinnacle/' -e '/pinnacle-[a-z-]*-[0-9]' -e '/ai/djl/' -e '/info/picocli/' -e '/org/knowm/' \
      -e '/org/junit/' \
    | tr '\n' ':'
}

# Flink's lib as the image has it: Flink, RocksDB, the Prometheus reporter, logging and DJL (from the image's lib
# directory, deploy/flink/Dockerfile); no Kafka, connector or Avro classes, which travel in the job jar.
cluster_classpath() {
  broker_classpath | tr ':' '\n' \
    | grep -v -e '/org/apache/kafka/' -e '/org/scala-lang/' -e '/com/typesafe/' -e '/flink-connector-kafka/' \
      -e '/flink-avro/' -e '/org/apache/avro/' \
    | tr '\n' ':'
  ls "$ROOT"/flink-jobs/job/target/image/lib/*.jar | tr '\n' ':'
}

# The runner's tool (topics, replay, check): the whole build on its class path.
tool() {
  tool_main io.pinnacle.runner.bench.ClusterTool "$@"
}

tool_main() { # class, args...
  # The tools read the cluster's pinnacle.kafka.properties.* from its config.yaml, as the job does.
  local conf_dir=""
  if [ -f "$CONF/config.yaml" ]; then conf_dir="$CONF"; fi
  FLINK_CONF_DIR="$conf_dir" "$JAVA" -Xmx1g -Dai.djl.offline=true -Djava.awt.headless=true -cp "$ROOT/flink-jobs/runner/target/classes:$ROOT/flink-jobs/job/target/classes:$ROOT/model/offline/target/classes:$ROOT/model/serving/target/classes:$ROOT/schemas/target/classes:$(cat "$ROOT/flink-jobs/runner/target/classpath.txt")" \
    "$@"
}

wait_for() { # description, command...
  local what=$1; shift
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "timed out waiting for $what"; return 1
}

write_conf() {
  mkdir -p "$CONF" "$WORK/logs" "$WORK/checkpoints" "$WORK/savepoints" "$WORK/tmp"
  if [ -n "$SECURE" ]; then make_secrets; fi
  cat > "$CONF/config.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.bind-host: localhost
taskmanager.bind-host: localhost
taskmanager.host: localhost
rest.address: localhost
rest.port: $REST_PORT
jobmanager.rpc.port: $((6123 + OFFSET))
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: 4096m
taskmanager.memory.managed.fraction: 0.15
taskmanager.memory.task.off-heap.size: 512m
taskmanager.numberOfTaskSlots: ${PINNACLE_CLUSTER_SLOTS:-2}
parallelism.default: 2
io.tmp.dirs: $WORK/tmp
state.backend.type: rocksdb
execution.checkpointing.incremental: true
execution.checkpointing.dir: file://$WORK/checkpoints
execution.checkpointing.savepoint-dir: file://$WORK/savepoints
execution.checkpointing.interval: 10 s
restart-strategy.type: exponential-delay
classloader.parent-first-patterns.additional: ai.djl.
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $REPORTER_PORT-$((REPORTER_PORT + 10))
pinnacle.kafka.bootstrap-servers: $BOOTSTRAP
pinnacle.artifact.base: ${PINNACLE_CLUSTER_ART:-$ART}/base-synthetic
pinnacle.artifact.promo: ${PINNACLE_CLUSTER_ART:-$ART}/promo-synthetic
pinnacle.feedback.rules: synthetic
$(if [ -n "$SECURE" ]; then secure_client_conf; fi)
${PINNACLE_CLUSTER_EXTRA:-}
EOF
  cat > "$CONF/log4j.properties" <<EOF
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
EOF
  cat > "$WORK/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
$(broker_listeners)
log.dirs=$WORK/kafka-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
transaction.max.timeout.ms=3600000
EOF
  cat > "$WORK/prometheus.yml" <<EOF
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: pinnacle-flink-local
    static_configs:
      - targets: [$(seq -s, "$REPORTER_PORT" $((REPORTER_PORT + 3)) | sed 's/\([0-9]*\)/"localhost:\1"/g')]
EOF
}

# The broker's listeners: plain, or (--sasl-ssl) clients and brokers over TLS with SCRAM-SHA-512, the controller
# listener over TLS with client certificates (SCRAM cannot guard it: the credentials live in the metadata the
# controller serves). The broker's own password is a reference to its file, resolved by Kafka's FileConfigProvider.
broker_listeners() {
  if [ -z "$SECURE" ]; then
    echo "listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT"
    return
  fi
  echo "listeners=SASL_SSL://localhost:$KAFKA_PORT,CONTROLLER://localhost:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://localhost:$KAFKA_PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.controller.ssl.client.auth=required
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
config.providers.file.param.allowed.paths=$SECRETS
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"\${file:$SECRETS/admin.secret:password}\";
ssl.keystore.type=PEM
ssl.keystore.location=$SECRETS/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/ca.pem"
}

# The job's and the tools' client settings on the --sasl-ssl cluster (config.yaml): the password is a reference to
# its file, resolved where the client runs; Flink shows and logs the reference, never the password.
secure_client_conf() {
  echo "pinnacle.kafka.properties.security.protocol: SASL_SSL
pinnacle.kafka.properties.sasl.mechanism: SCRAM-SHA-512
pinnacle.kafka.properties.sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"pinnacle\" password=\"\${file:$SECRETS/pinnacle.secret:password}\";'
pinnacle.kafka.properties.ssl.truststore.type: PEM
pinnacle.kafka.properties.ssl.truststore.location: $SECRETS/ca.pem
pinnacle.kafka.properties.config.providers: file
pinnacle.kafka.properties.config.providers.file.class: org.apache.kafka.common.config.provider.FileConfigProvider
pinnacle.kafka.properties.config.providers.file.param.allowed.paths: $SECRETS"
}

# Passwords and certificates of the --sasl-ssl cluster, fresh for every new work directory: a password file per
# SCRAM user (NAME.secret: the broker's own, admin, and the job's, pinnacle), a local CA and the broker's key and
# certificate (PEM, CN and SAN localhost). The CA's key is deleted once the broker's certificate is signed.
make_secrets() {
  [ -f "$SECRETS/ca.pem" ] && return 0
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  (
    umask 077
    cd "$SECRETS"
    for user in admin pinnacle; do printf 'password=%s\n' "$(openssl rand -hex 24)" > "$user.secret"; done
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=pinnacle local CA" -keyout ca.key -out ca.pem \
      >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout broker.key -out broker.csr >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > san.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile san.ext \
      -out broker.crt >/dev/null 2>&1
    cat broker.key broker.crt ca.pem > broker-keystore.pem
    rm -f broker.csr san.ext ca.key ca.srl
  )
}

start_jvm() { # name, main class, extra args...
  local name=$1 main=$2; shift 2
  local cp; cp="$(cluster_classpath)"
  # shellcheck disable=SC2086
  nohup env ${PINNACLE_CLUSTER_JVM_ENV:-} "$JAVA" ${PINNACLE_CLUSTER_JAVA_OPTS:-} -Dlog.file="$WORK/logs/$name.log" \
    -Dlog4j.configurationFile="$CONF/log4j.properties" -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
    --add-modules=jdk.incubator.vector --add-opens=java.base/java.util=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$cp" "$main" "$@" > "$WORK/logs/$name.out" 2>&1 &
  echo $! > "$WORK/$name.pid"
}

start_broker() {
  local cp; cp="$(broker_classpath)"
  if [ ! -d "$WORK/kafka-logs" ]; then
    local id; id=$("$JAVA" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    if [ -n "$SECURE" ]; then
      # The SCRAM users must exist before the broker starts (it authenticates to itself); the tool reads their
      # passwords from the secrets directory, so that none is an argument.
      tool format-storage "$WORK/server.properties" "$id" "$SECRETS" > "$WORK/logs/kafka-format.out" 2>&1
    else
      "$JAVA" -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$WORK/server.properties" --ignore-formatted \
        > "$WORK/logs/kafka-format.out" 2>&1
    fi
  fi
  nohup "$JAVA" -Xmx1g -Dlog4j2.configurationFile="$CONF/log4j.properties" -Dlog.file="$WORK/logs/kafka.log" \
    -cp "$cp" kafka.Kafka "$WORK/server.properties" > "$WORK/logs/kafka.out" 2>&1 &
  echo $! > "$WORK/kafka.pid"
}

start_taskmanager() { # n
  # What Flink's own start scripts do: derive the JVM's memory flags and the TaskManager's resource settings
  # from the configuration (BashJavaUtils), then start the runner with both.
  local params jvm dynamic
  params=$("$JAVA" -cp "$(cluster_classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils \
    GET_TM_RESOURCE_PARAMS --configDir "$CONF" 2>/dev/null | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' \
    | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')
  jvm=$(echo "$params" | sed -n 1p)
  dynamic=$(echo "$params" | sed -n 2p)
  # PINNACLE_CLUSTER_TM_JAVA_OPTS: extra JVM flags for every TaskManager; PINNACLE_CLUSTER_TM<n>_ENV: environment
  # of TaskManager n alone (the soak runs one with jemalloc, as Flink's image does, and one with glibc's malloc).
  local env_var="PINNACLE_CLUSTER_TM${1}_ENV"
  # shellcheck disable=SC2086
  PINNACLE_CLUSTER_JAVA_OPTS="$jvm ${PINNACLE_CLUSTER_TM_JAVA_OPTS:-}" PINNACLE_CLUSTER_JVM_ENV="${!env_var:-}" \
    start_jvm "taskmanager-$1" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" \
    $dynamic -D "taskmanager.resource-id=tm-$1"
}

start_prometheus() {
  if ! command -v prometheus >/dev/null; then
    log "installing Debian's prometheus package"
    local before after pid
    before=" $(pgrep -x prometheus | tr '\n' ' ' || true) "
    (apt-get install -y prometheus >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y prometheus >/dev/null)) \
      || { log "prometheus is not installable here; continuing without it"; return 0; }
    # The package may start its own service on 9090; this cluster runs its own server. End only what the install
    # started: the new service, and by id the prometheus processes that did not exist before it (none of the user's).
    (service prometheus stop || systemctl stop prometheus) >/dev/null 2>&1 || true
    after=$(pgrep -x prometheus || true)
    for pid in $after; do
      case "$before" in *" $pid "*) ;; *) kill "$pid" 2>/dev/null || true ;; esac
    done
  fi
  nohup prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus-data" \
    --web.listen-address=localhost:$PROM_PORT > "$WORK/logs/prometheus.out" 2>&1 &
  echo $! > "$WORK/prometheus.pid"
}

flink_cli() { # Flink's command line client against this cluster
  FLINK_CONF_DIR="$CONF" "$JAVA" -Dlog.file="$WORK/logs/client.log" \
    -Dlog4j.configurationFile="$CONF/log4j.properties" --add-opens=java.base/java.util=ALL-UNNAMED \
    -cp "$(cluster_classpath)" org.apache.flink.client.cli.CliFrontend "$@"
}

submit() { # [parallelism] [savepoint to restore]
  local jar; jar=$(ls "$ROOT"/flink-jobs/job/target/pinnacle-flink-job-*-job.jar | head -1)
  local restore=()
  if [ -n "${2:-}" ]; then restore=(-s "$2"); fi
  flink_cli run -d -p "${1:-2}" "${restore[@]}" -c io.pinnacle.job.PinnacleJob "$jar"
}

# Flink's REST API, asked by the runner's FlinkRestTool (typed answers, waits polled inside one JVM).
rest() { # [--timeout S] command [args]
  tool_main io.pinnacle.runner.cluster.FlinkRestTool --url "$REST" "$@"
}

job_id() {
  rest job-id 2>/dev/null || true
}

# Stops the running job with a savepoint and prints the savepoint's path.
stop_with_savepoint() {
  flink_cli stop --savepointPath "file://$WORK/savepoints" "$(job_id)" 2>&1 | grep -o 'file:[^ ]*' | tail -1 || true
}

wait_running() { # the job RUNNING with every one of its tasks running, within 120 s
  rest wait-running > /dev/null
}

job_state() {
  rest job-state 2>/dev/null || true
}

# The drills' verdict on the committed output: every input offset committed by the job (the source commits them
# when a checkpoint completes; waits up to 3 minutes), no dead letter, and (exactly-once) no item's updateSeq or
# event count going backwards in what a read_committed consumer sees; at-least-once may repeat, which the
# comparison with the reference checks instead.
output_checks() { # [delivery mode]
  local committed=""
  for _ in $(seq 1 36); do
    if tool account "$BOOTSTRAP" > "$WORK/logs/account.out" 2>/dev/null; then committed=yes; break; fi
    sleep 5
  done
  cat "$WORK/logs/account.out"
  [ -n "$committed" ] || return 1
  grep -q 'deadLetters=0}' "$WORK/logs/account.out" || return 1
  if [ "${1:-exactly-once}" = exactly-once ]; then
    tool check "$BOOTSTRAP" 15 | tee "$WORK/logs/check.out"
  fi
}

# The comparison drills run the job reproducibly (a dirty item is tuned before its next event; the user stage off,
# since its shuffle interleaves an item's events in arrival order), so that a run with a failure can be compared
# with a run without one, update by update.
REPRODUCIBLE="pinnacle.tuning.reproducible: true
pinnacle.users.enabled: false"
REFS="$ROOT/target/local-cluster-references"

fresh_cluster() { # delivery mode, slots per TaskManager, [profile: the drills' reproducible one unless given]
  "$0" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
  PINNACLE_CLUSTER_SLOTS=$2 PINNACLE_CLUSTER_EXTRA="${3-$REPRODUCIBLE}
pinnacle.delivery-guarantee: $1" "$0" start
}

# The no-failure run of N events of a seed with the job's default profile (user stage on, not reproducible):
# each item's last committed update and the summed targeting reports, saved once per job jar and artifacts.
reference_default() { # N, seed
  local key; key=$(cat "$ROOT"/flink-jobs/job/target/pinnacle-flink-job-*-job.jar "$ART/base-synthetic/metadata.json" \
    "$ART/promo-synthetic/promo.json" | md5sum | cut -c1-8)
  local file; file="$REFS/$key-default-$1-$2.json"
  if [ ! -f "$file" ]; then
    {
      log "reference: the same events without a failure, default profile"
      fresh_cluster exactly-once 1 ""
      tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" "$1" "$2" | tail -1
      output_checks exactly-once && tool final-snapshot "$BOOTSTRAP" "$file.tmp" && mv "$file.tmp" "$file"
      "$0" stop
    } >&2
  fi
  [ -f "$file" ] && echo "$file"
}

# The no-failure run of N events of each seed, saved once per job jar and artifacts; prints the file.
reference() { # N, seeds...
  local n=$1; shift
  local key; key=$(cat "$ROOT"/flink-jobs/job/target/pinnacle-flink-job-*-job.jar "$ART/base-synthetic/metadata.json" \
    "$ART/promo-synthetic/promo.json" | md5sum | cut -c1-8)
  local file; file="$REFS/$key-$n-$(echo "$@" | tr ' ' '-').tsv"
  if [ ! -f "$file" ]; then
    {
      log "reference: the same events without a failure"
      fresh_cluster exactly-once 2
      for seed in "$@"; do tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" "$n" "$seed" | tail -1; done
      output_checks exactly-once && tool snapshot "$BOOTSTRAP" "$file.tmp" && mv "$file.tmp" "$file"
      "$0" stop
    } >&2
  fi
  [ -f "$file" ] && echo "$file"
}

compare() { # reference file, delivery mode
  tool compare "$BOOTSTRAP" "$1" "$2" | tee "$WORK/logs/compare.out"
}

# Replays N events of a seed into the input topic in the background (log: replay.out); sets $replay to its pid.
replay_in_background() { # N, seed
  tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" "$1" "$2" > "$WORK/logs/replay.out" 2>&1 &
  replay=$!
}

# 15 s into the replay, SIGKILLs taskmanager-1, starts it again, and waits until the job has failed (its exception
# history has an entry) and runs all its tasks again; sets $recovered (seconds after the kill; empty if never) and
# $n_restarts (the failures the job recorded).
kill_taskmanager_and_wait() {
  sleep 15
  local killed; killed=$(date +%s)
  bounce_taskmanager 1
  recovered=""
  if n_restarts=$(rest --timeout 180 recovered); then recovered=$(( $(date +%s) - killed )); fi
}

# SIGKILLs a TaskManager and starts it again 3 s later.
bounce_taskmanager() { # n
  "$0" kill-taskmanager "$1"
  sleep 3
  "$0" start-taskmanager "$1"
}

# Restarts of the job so far, from the JobManager's log (for the logs of drills that lose the JobManager's REST
# history: a new JobManager, an artifact failing at every restart).
restarts() {
  grep -c "switched from state RUNNING to RESTARTING" "$WORK/logs/jobmanager.log" 2>/dev/null || true
}

# The --sasl-ssl cluster's own checks: who is let in, a bad record's way to the dead-letter topic, and a search
# for every password (from a pattern file: grep's arguments show in the process list) in everything the cluster
# wrote or shows. The search must find the passwords where they are kept, or it proves nothing.
secure_check() {
  local ok=0
  log "clients: the job's must be let in, every other refused"
  tool auth-check "$BOOTSTRAP" "localhost:$CONTROLLER_PORT" | tee "$WORK/logs/auth-check.out" || ok=1
  tool send-bad "$BOOTSTRAP" 3
  local dead=""
  for _ in $(seq 1 36); do
    if tool account "$BOOTSTRAP" > "$WORK/logs/account.out" 2>/dev/null && grep -q 'deadLetters=3}' "$WORK/logs/account.out"; then
      dead=3; break
    fi
    sleep 5
  done
  log "3 records that are not events: $(cat "$WORK/logs/account.out")"
  [ -n "$dead" ] || { log "the bad records did not all reach the dead-letter topic"; ok=1; }
  # What the web UI shows: the cluster's configuration, the job's, every TaskManager's; and every process's command line.
  local jid; jid=$(job_id)
  curl -s "$REST/jobmanager/config" > "$WORK/logs/rest-jobmanager-config.json"
  curl -s "$REST/jobs/$jid/config" > "$WORK/logs/rest-job-config.json"
  curl -s "$REST/jobs/$jid/jobmanager/config" > "$WORK/logs/rest-job-jobmanager-config.json"
  curl -s "$REST/taskmanagers" > "$WORK/logs/rest-taskmanagers.json"
  for p in "$WORK"/*.pid; do tr '\0' ' ' < "/proc/$(cat "$p")/cmdline" 2>/dev/null; echo; done > "$WORK/logs/command-lines.txt"
  log "the web UI shows the client login as: $(grep -o '"key":"pinnacle.kafka.properties.sasl.jaas.config","value":"[^"]*' \
    "$WORK/logs/rest-jobmanager-config.json" | sed 's/.*"value":"//' | cut -c1-120)"
  local patterns="$SECRETS/.patterns"
  (umask 077; sed -n 's/^password=//p' "$SECRETS"/*.secret > "$patterns")
  local kept; kept=$(grep -rlF -f "$patterns" "$SECRETS" --exclude=.patterns | wc -l)
  local places=("$WORK/logs" "$CONF" "$WORK/kafka-logs" "$WORK/checkpoints" "$WORK/savepoints" "$WORK/prometheus-data"
    "$WORK/tmp" "$ROOT/target/results" "$WORK/server.properties")
  local size; size=$(du -shc "${places[@]}" 2>/dev/null | tail -1 | cut -f1)
  local found; found=$(grep -rlaF -f "$patterns" "${places[@]}" 2>/dev/null || true)
  rm -f "$patterns"
  log "secret search: $(wc -l < "$WORK/logs/command-lines.txt") command lines, 4 REST views, logs, configuration," \
    "broker data (dead letters included), checkpoints, Prometheus, reports ($size): $(echo -n "$found" | grep -c . || true)" \
    "files with a password; the secrets directory: $kept files with one (the control)"
  [ "$kept" -ge 2 ] || { log "the search does not find the passwords where they are kept"; ok=1; }
  [ -z "$found" ] || { log "passwords found in: $found"; ok=1; }
  return $ok
}

# On the --sasl-ssl cluster a drill ends with its checks.
if [ -n "$SECURE" ] && [[ "${1:-}" == drill-* ]] && [ -z "${PINNACLE_CLUSTER_INNER:-}" ]; then
  drill=PASS; secure=PASS
  PINNACLE_CLUSTER_INNER=1 "$0" "$@" || drill=FAIL
  secure_check || secure=FAIL
  log "$1 on the SASL_SSL cluster: drill $drill, security checks $secure"
  [ "$drill" = PASS ] && [ "$secure" = PASS ]
  exit
fi

case "${1:-}" in
  secure-check)
    secure_check
    ;;
  start)
    build
    write_conf
    log "broker"; start_broker
    wait_for "the broker" bash -c "echo > /dev/tcp/localhost/$KAFKA_PORT"
    log "topics"; tool topics "$BOOTSTRAP" 2
    log "jobmanager"; PINNACLE_CLUSTER_JAVA_OPTS="-Xmx768m" start_jvm jobmanager \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF"
    rest wait-rest
    log "taskmanagers"; start_taskmanager 1; start_taskmanager 2
    rest wait-taskmanagers 2
    log "prometheus"; start_prometheus
    log "submitting the job at parallelism 2"; submit
    rest wait-running
    log "running: Flink $REST, Prometheus $PROMETHEUS, broker $BOOTSTRAP, work $WORK"
    ;;
  stop)
    for p in prometheus taskmanager-2 taskmanager-1 jobmanager kafka; do
      if [ -f "$WORK/$p.pid" ]; then
        pid=$(cat "$WORK/$p.pid")
        kill "$pid" 2>/dev/null || true
        # Wait for it to exit (a fresh start removes the work directory it writes to); SIGKILL after 30 s.
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$WORK/$p.pid"
      fi
    done
    log "stopped"
    ;;
  status)
    for p in kafka jobmanager taskmanager-1 taskmanager-2 prometheus; do
      if [ -f "$WORK/$p.pid" ] && kill -0 "$(cat "$WORK/$p.pid")" 2>/dev/null; then echo "$p: running (pid $(cat "$WORK/$p.pid"))"; else echo "$p: stopped"; fi
    done
    echo "job: $(job_state)"
    curl -s "$PROMETHEUS/api/v1/targets" 2>/dev/null | grep -o '"health":"[a-z]*"' | sort | uniq -c || true
    ;;
  replay)
    tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" "${2:-200000}" "${3:-42}"
    ;;
  check)
    tool check "$BOOTSTRAP" "${2:-20}"
    ;;
  drill-taskmanager)
    n=${2:-200000}
    mode=${3:-exactly-once}
    ref=$(reference "$n" 7) || { log "no reference run"; exit 1; }
    # One slot per TaskManager: each runs one of the two parallel pipelines, so the kill always hits the job.
    fresh_cluster "$mode" 1
    log "drill: replaying $n events, SIGKILL taskmanager-1 after 15 s"
    replay_in_background "$n" 7
    kill_taskmanager_and_wait
    verdict=PASS
    wait "$replay"
    tail -1 "$WORK/logs/replay.out"
    [ -n "$recovered" ] || { verdict=FAIL; recovered="never"; }
    log "restarts: ${n_restarts:-0}; all tasks running again $recovered s after the kill"
    output_checks "$mode" || verdict=FAIL
    compare "$ref" "$mode" || verdict=FAIL
    log "drill-taskmanager ($mode): $verdict"
    [ "$verdict" = PASS ]
    ;;
  drill-default)
    n=${2:-200000}
    mode=${3:-exactly-once}
    ref=$(reference_default "$n" 13) || { log "no reference run"; exit 1; }
    fresh_cluster "$mode" 1 ""
    log "drill, default profile (user stage on, not reproducible): replaying $n events, SIGKILL taskmanager-1 after 15 s"
    replay_in_background "$n" 13
    kill_taskmanager_and_wait
    verdict=PASS
    wait "$replay"
    tail -1 "$WORK/logs/replay.out"
    [ -n "$recovered" ] || { verdict=FAIL; recovered="never"; }
    log "restarts: ${n_restarts:-0}; all tasks running again $recovered s after the kill"
    output_checks "$mode" || verdict=FAIL
    tool final-compare "$BOOTSTRAP" "$ref" | tee "$WORK/logs/compare.out"
    [ "${PIPESTATUS[0]}" -eq 0 ] || verdict=FAIL
    log "drill-default ($mode): $verdict"
    [ "$verdict" = PASS ]
    ;;
  drill-jobmanager)
    n=${2:-200000}
    mode=${3:-exactly-once}
    ref=$(reference "$n" 11) || { log "no reference run"; exit 1; }
    fresh_cluster "$mode" 1
    log "drill: replaying $n events, SIGKILL the JobManager once two checkpoints have completed"
    replay_in_background "$n" 11
    old=$(job_id)
    for _ in $(seq 1 180); do
      [ "$(ls -d "$WORK/checkpoints/$old"/chk-*/_metadata 2>/dev/null | wc -l)" -ge 1 ] \
        && [ "$(grep -c 'Completed checkpoint' "$WORK/logs/jobmanager.log")" -ge 2 ] && break
      sleep 1
    done
    sleep 3
    kill -9 "$(cat "$WORK/jobmanager.pid")"
    killed=$(date +%s)
    log "JobManager SIGKILLed (job $old); the TaskManagers keep running"
    sleep 5
    # What an operator does without HA: start a JobManager and resubmit from the newest checkpoint that completed
    # (a directory with its _metadata; the killed JobManager could not clean any of them up).
    chk=""
    for d in $(ls -d "$WORK/checkpoints/$old"/chk-* 2>/dev/null | sort -t- -k2 -n); do
      [ -f "$d/_metadata" ] && chk=$d
    done
    verdict=PASS
    if [ -z "$chk" ]; then
      log "no completed checkpoint of job $old"; verdict=FAIL
    else
      log "a new JobManager; resubmitting from $chk"
      PINNACLE_CLUSTER_JAVA_OPTS="-Xmx768m" start_jvm jobmanager \
        org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF"
      rest wait-rest
      rest wait-taskmanagers 2
      submit 2 "file://$chk" > "$WORK/logs/resubmit.out" 2>&1 || { cat "$WORK/logs/resubmit.out"; verdict=FAIL; }
      if wait_running; then
        log "all tasks running again $(( $(date +%s) - killed )) s after the kill"
      else
        log "the resubmitted job is not running"; verdict=FAIL
      fi
    fi
    wait "$replay"
    tail -1 "$WORK/logs/replay.out"
    output_checks "$mode" || verdict=FAIL
    compare "$ref" "$mode" || verdict=FAIL
    log "drill-jobmanager ($mode): $verdict"
    [ "$verdict" = PASS ]
    ;;
  drill-broker)
    n=${2:-200000}
    mode=${3:-exactly-once}
    ref=$(reference "$n" 9) || { log "no reference run"; exit 1; }
    fresh_cluster "$mode" 2
    log "drill: replaying $n events, the broker stopped after 10 s and started again 10 s later"
    replay_in_background "$n" 9
    sleep 10
    kill -9 "$(cat "$WORK/kafka.pid")"
    log "broker SIGKILLed"
    sleep 10
    start_broker
    wait_for "the broker" bash -c "echo > /dev/tcp/localhost/$KAFKA_PORT"
    log "broker started again"
    verdict=PASS
    wait "$replay"
    tail -1 "$WORK/logs/replay.out"
    grep -q "(0 refused" "$WORK/logs/replay.out" || log "some sends were refused during the outage (not counted)"
    wait_running || { log "the job is not running all its tasks"; verdict=FAIL; }
    output_checks "$mode" || verdict=FAIL
    compare "$ref" "$mode" || verdict=FAIL
    log "restarts: $(restarts)"
    log "drill-broker ($mode): $verdict"
    [ "$verdict" = PASS ]
    ;;
  drill-rescale)
    n=${2:-100000}
    mode=${3:-exactly-once}
    ref=$(reference "$n" 11 12 13 14) || { log "no reference run"; exit 1; }
    fresh_cluster "$mode" 2
    verdict=PASS
    seed=11
    for p in 1 4 2; do
      tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" "$n" "$seed" | tail -1
      seed=$((seed + 1))
      sleep 20
      sp=$(stop_with_savepoint)
      if [ -z "$sp" ]; then log "no savepoint"; verdict=FAIL; break; fi
      log "stopped with savepoint $sp; restoring at parallelism $p"
      submit "$p" "$sp" >/dev/null
      wait_running || { log "not running at parallelism $p"; verdict=FAIL; break; }
      log "running at parallelism $p"
    done
    tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" "$n" "$seed" | tail -1
    output_checks "$mode" || verdict=FAIL
    compare "$ref" "$mode" || verdict=FAIL
    log "drill-rescale ($mode): $verdict"
    [ "$verdict" = PASS ]
    ;;
  drill-artifact)
    n=${2:-200000}
    ref=$(reference "$n" 7) || { log "no reference run"; exit 1; }
    # The job reads a copy of the artifacts, which the drill damages and replaces.
    copy="$ROOT/target/local-cluster-artifacts"
    rm -rf "$copy"; mkdir -p "$copy"; cp -r "$ART/base-synthetic" "$ART/promo-synthetic" "$copy/"
    if [ ! -d "$ART/promo-synthetic-item-part" ]; then
      log "training a second PROMO artifact on the same base (the replacement)"
      "$ROOT/pinnacle" prompt-train --dataset synthetic --artifact "$ART/base-synthetic" --keep-item-part \
        --out "$ART/promo-synthetic-item-part" >/dev/null
    fi
    PINNACLE_CLUSTER_ART="$copy" fresh_cluster exactly-once 1
    verdict=PASS
    jar=$(ls "$ROOT"/flink-jobs/job/target/pinnacle-flink-job-*-job.jar | head -1)
    # At start: a corrupt, a missing and a mismatched artifact are refused by the submission, naming the problem.
    bad="$ROOT/target/local-cluster-bad-artifact"
    rm -rf "$bad"; cp -r "$ART/base-synthetic" "$bad"
    printf '\x00\x01\x02\x03' | dd of="$bad/parameters.bin" bs=1 seek=100 conv=notrunc 2>/dev/null
    faults=("corrupt|pinnacle.artifact.base=$bad|is corrupt"
      "missing|pinnacle.artifact.base=$ROOT/target/no-such-artifact|does not exist")
    # A base the PROMO artifact was not trained on: the MovieLens base when `pinnacle run --dataset ml-100k` made one.
    if [ -d "$ART/base-ml-100k" ]; then faults+=("mismatched|pinnacle.artifact.base=$ART/base-ml-100k|was trained on base"); fi
    for fault in "${faults[@]}"; do
      IFS='|' read -r what setting expect <<< "$fault"
      if flink_cli run -d -p 2 -D "$setting" -c io.pinnacle.job.PinnacleJob "$jar" > "$WORK/logs/submit-$what.out" 2>&1; then
        log "at start, $what artifact: the submission was accepted"; verdict=FAIL
      elif grep -q "$expect" "$WORK/logs/submit-$what.out"; then
        log "at start, $what artifact: refused ($(grep -o "[^:]*$expect[^.]*" "$WORK/logs/submit-$what.out" | head -1 | cut -c1-160))"
      else
        log "at start, $what artifact: refused without saying why"; verdict=FAIL
      fi
    done
    [ "$(curl -s "$REST/jobs/overview" | grep -o '"jid"' | wc -l)" = 1 ] || { log "a refused submission left a job"; verdict=FAIL; }
    # At failover: the artifact turns corrupt and a TaskManager dies; the job must wait (restarting with backoff,
    # committing nothing) until the artifact is good again, then continue as if nothing happened.
    log "drill: replaying $n events; 15 s in the base artifact turns corrupt and taskmanager-1 is SIGKILLed"
    replay_in_background "$n" 7
    sleep 15
    cp "$copy/base-synthetic/parameters.bin" "$WORK/parameters.bin.good"
    printf '\x00\x01\x02\x03' | dd of="$copy/base-synthetic/parameters.bin" bs=1 seek=100 conv=notrunc 2>/dev/null
    bounce_taskmanager 1
    sleep 45
    failing=$(grep -l "is corrupt" "$WORK"/logs/*.log 2>/dev/null | wc -l)
    log "45 s with a corrupt artifact: job $(job_state), $(restarts) restarts, logs naming it: $failing"
    [ "$failing" -ge 1 ] || { log "no log reports the corrupt artifact"; verdict=FAIL; }
    cp "$WORK/parameters.bin.good" "$copy/base-synthetic/parameters.bin"
    fixed=$(date +%s)
    log "artifact repaired"
    recovered=""
    for _ in 1 2 3; do
      if wait_running; then recovered=$(( $(date +%s) - fixed )); break; fi
    done
    wait "$replay"
    tail -1 "$WORK/logs/replay.out"
    [ -n "$recovered" ] || { verdict=FAIL; recovered="never"; }
    log "all tasks running again $recovered s after the repair"
    output_checks exactly-once || verdict=FAIL
    compare "$ref" exactly-once || verdict=FAIL
    # Replaced at failover: a different PROMO artifact for the same base. States are adopted (counters and updateSeq
    # kept, prompts restarted), so updateSeq and event counts still never go back.
    rm -rf "$copy/promo-synthetic"; cp -r "$ART/promo-synthetic-item-part" "$copy/promo-synthetic"
    bounce_taskmanager 1
    wait_running || sleep 60
    tool replay "$BOOTSTRAP" "$ART/base-synthetic" "$ART/promo-synthetic" 50000 8 | tail -1
    output_checks exactly-once || verdict=FAIL
    migrated=$(curl -s "$PROMETHEUS/api/v1/query?query=sum(flink_taskmanager_job_task_operator_statesMigrated)" \
      | grep -o '"[0-9.]*"\]' | tr -d '"]' || true)
    log "after the replacement: states adopted from the old artifact ${migrated:-unknown (no Prometheus)}"
    log "drill-artifact: $verdict"
    [ "$verdict" = PASS ]
    ;;
  soak)
    minutes=${2:-130}
    rate=${3:-1000}
    lifetime=${PINNACLE_SOAK_LIFETIME_S:-600}
    ttl=${PINNACLE_SOAK_TTL:-5 min}
    judge_after=${PINNACLE_SOAK_JUDGE_AFTER_S:-1800}
    # RocksDB's block cache keeps blocks until it is full; managed memory small enough to fill within the warm-up
    # shows the bound holding (the state's working set is about 30 MB of checkpoint).
    managed=${PINNACLE_SOAK_MANAGED:-96m}
    "$0" stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
    # One slot per TaskManager: each runs one of the two pipelines. Every key ages out: TTLs below the feed's
    # lifetime of an item or a new user (the same expiry code as production, shorter settings). RocksDB reports its
    # own memory; the JVMs track their native memory; taskmanager-2 runs on jemalloc (Flink's image preloads it),
    # taskmanager-1 on glibc's malloc, so one run compares the two allocators.
    jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -1 || true)
    if [ -z "$jemalloc" ]; then
      apt-get install -y libjemalloc2 >/dev/null 2>&1 || true
      jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -1 || true)
    fi
    [ -n "$jemalloc" ] || log "libjemalloc2 is not installable here: both TaskManagers run on glibc's malloc"
    PINNACLE_CLUSTER_SLOTS=1 PINNACLE_CLUSTER_TM_JAVA_OPTS="-XX:NativeMemoryTracking=summary" \
      PINNACLE_CLUSTER_TM2_ENV="${jemalloc:+LD_PRELOAD=$jemalloc}" PINNACLE_CLUSTER_EXTRA="taskmanager.memory.managed.size: $managed
pinnacle.state.ttl: $ttl
pinnacle.state.counters-ttl: $ttl
pinnacle.users.ttl: $ttl
state.backend.rocksdb.metrics.block-cache-usage: true
state.backend.rocksdb.metrics.block-cache-capacity: true
state.backend.rocksdb.metrics.cur-size-all-mem-tables: true
state.backend.rocksdb.metrics.estimate-table-readers-mem: true" "$0" start
    out="$ROOT/target/results/soak"
    log "soak: $rate events/s for $minutes minutes, items and new users living $lifetime s, TTLs $ttl, managed memory" \
      "$managed per TaskManager; judged after $judge_after s; samples, verdicts and curves in $out"
    tool_main io.pinnacle.runner.bench.ClusterSoak --bootstrap "$BOOTSTRAP" --rest "$REST" \
      --base "$ART/base-synthetic" --promo "$ART/promo-synthetic" --rate "$rate" --seconds $((minutes * 60)) \
      --out "$out" --churn "5000,20000,0.3,$lifetime" --judge-after "$judge_after" --prometheus "$PROMETHEUS" \
      --pid "tm-1=$(cat "$WORK/taskmanager-1.pid")" --pid "tm-2=$(cat "$WORK/taskmanager-2.pid")"
    log "restarts during the soak: $(restarts)"
    for n in 1 2; do
      jcmd "$(cat "$WORK/taskmanager-$n.pid")" VM.native_memory summary scale=MB > "$out/nmt-taskmanager-$n.txt" 2>&1 || true
    done
    output_checks exactly-once
    ;;
  kill-taskmanager)
    kill -9 "$(cat "$WORK/taskmanager-${2:-1}.pid")"; log "SIGKILLed taskmanager-${2:-1}"
    ;;
  start-taskmanager)
    start_taskmanager "${2:-1}"
    ;;
  *)
    sed -n '2,30p' "$0"; exit 2
    ;;
esac
