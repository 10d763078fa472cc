#!/usr/bin/env bash
# Creates the job's topics on an external cluster. Usage: create-topics.sh BOOTSTRAP [PARTITIONS] [REPLICATION]
set -euo pipefail
BOOTSTRAP=${1:?bootstrap servers}
PARTITIONS=${2:-12}
REPLICATION=${3:-3}
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic interactions \
  --partitions "$PARTITIONS" --replication-factor "$REPLICATION"
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic interactions-dlq \
  --partitions "$PARTITIONS" --replication-factor "$REPLICATION" --config retention.ms=2592000000
# Compacted: consumers read the latest embedding per item (key = item id).
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic item-embeddings \
  --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
  --config cleanup.policy=compact --config min.compaction.lag.ms=60000
# Compacted: the latest vector per user as the job's user stage encoded it (key = user id).
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic user-vectors \
  --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
  --config cleanup.policy=compact --config min.compaction.lag.ms=60000
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic pinnacle-retention \
  --partitions 1 --replication-factor "$REPLICATION"
# Compacted: the latest content features per item (key = item id); the job reads it from the start.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic item-catalog \
  --partitions "$PARTITIONS" --replication-factor "$REPLICATION" --config cleanup.policy=compact
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic pinnacle-targeting \
  --partitions 1 --replication-factor "$REPLICATION"
