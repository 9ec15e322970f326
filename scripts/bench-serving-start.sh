#!/bin/sh
# How a serving process starts: the classifier's time from launch to its first prediction, its
# resident memory once serving, and whether it unpacked ND4J's natives (docs/BENCHMARKS.md, S1).
#
#   scripts/bench-serving-start.sh DIST [RUNS] [CLASSIFIER]
#
# DIST is a launcher directory built by scripts/build-dist.sh (app/target/digitstream); CLASSIFIER
# the launcher the classifier starts from (default DIST's own; the serving-only one is
# app-serving/target/digitstream-serving/bin/digitstream-serving). Each run:
# a broker of DIST's own on a free port, a quick unsigned model (the fixture, one epoch on 1,000
# images) and one image already waiting on digits-in; then the classifier starts with an empty
# HOME and user.home (so any unpacking of natives shows as $HOME/.javacpp) and the clock runs until kcat reads
# the first record of predictions-out. RSS is read from /proc 5 s later. Needs kcat (Debian).
set -eu
dist=$(cd "$1" && pwd)
runs=${2:-3}
bin="$dist/bin/digitstream"
classifier=${3:-$bin}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bootstrap="127.0.0.1:$port"
"$bin" broker --port "$port" > "$work/broker.log" 2>&1 &
until kcat -b "$bootstrap" -L > /dev/null 2>&1; do sleep 0.5; done
"$bin" topics --bootstrap-servers "$bootstrap" >&2
"$bin" trainer --fixture --recipe seed --epochs 1 --train-limit 1000 --unsigned --output-dir "$work/models" \
  --bootstrap-servers "$bootstrap" > "$work/trainer.log" 2>&1

echo "run,first_prediction_ms,rss_mb,peak_rss_mb,unpacked_natives"
i=1
while [ "$i" -le "$runs" ]; do
  "$bin" producer replay --fixture --count 1 --id-prefix "run$i-" --bootstrap-servers "$bootstrap" >&2
  home="$work/home$i"; mkdir -p "$home"
  start=$(date +%s%N)
  HOME="$home" JAVA_OPTS="${JAVA_OPTS:-} -Duser.home=$home" "$classifier" classifier --allow-unsigned --application-id "start-$i" --state-dir "$work/state$i" \
    --bootstrap-servers "$bootstrap" > "$work/classifier$i.log" 2>&1 &
  pid=$!
  # until this run's image has its prediction (polled: the figure is good to about 0.1 s)
  until grep -q "^run$i-" "$work/seen$i" 2>/dev/null; do
    kcat -C -b "$bootstrap" -t predictions-out -o beginning -e -q -f '%k\n' > "$work/seen$i" 2>/dev/null || true
    sleep 0.05
  done
  end=$(date +%s%N)
  sleep 5
  java_pid=$(pgrep -P "$pid" java || echo "$pid")
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$java_pid/status")
  hwm=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$java_pid/status")
  unpacked=$([ -d "$home/.javacpp" ] && du -sm "$home/.javacpp" | cut -f1 | sed 's/$/ MB/' || echo no)
  echo "$i,$(( (end - start) / 1000000 )),$rss,$hwm,$unpacked"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  i=$((i + 1))
done
