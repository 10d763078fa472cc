#!/usr/bin/env bash
# Builds the updater's image: ./deploy/flink/build-image.sh [--gpu] [TAG]
#   --gpu  the CUDA 12.4 build of PyTorch (pytorch-native-cu124) for GPU TaskManagers
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROFILES=job-jar,image-lib
if [ "${1:-}" = "--gpu" ]; then PROFILES="$PROFILES,gpu"; shift; fi
TAG=${1:-pinnacle-flink:latest}
mvn -B -q -f "$ROOT/pom.xml" -DskipTests -P"$PROFILES" -pl flink-jobs/job -am package
CONTEXT="$ROOT/flink-jobs/job/target/image"
cp "$ROOT"/flink-jobs/job/target/pinnacle-flink-job-*-job.jar "$CONTEXT/pinnacle-flink-job.jar"
echo "image context ready: $CONTEXT (lib: $(ls "$CONTEXT/lib" | wc -l) jars)"
docker build -f "$ROOT/deploy/flink/Dockerfile" -t "$TAG" "$CONTEXT"
