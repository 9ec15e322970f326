#!/bin/bash
# kafka-run-class.sh CLASS [ARGS]: runs a class from Kafka's jars, as the distribution's script does
# (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS and KAFKA_LOG4J_OPTS are honoured).
base=$(dirname "$(readlink -f "$0")")/..
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.yaml}
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} \
  $log4j ${KAFKA_OPTS:-} -cp "$base/libs/*" "$@"
