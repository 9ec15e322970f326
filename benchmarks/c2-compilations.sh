#!/bin/bash
# What the optimising compiler (C2, tier 4) compiled in a classifier's JVM, before its Kafka
# Streams reached RUNNING and in each WINDOW seconds after, and which packages it compiled after,
# from a log written with -XX:+PrintCompilation (docs/BENCHMARKS.md, W1: ColdStartBench with
# --flags=--warm-up+jvm:-XX:+PrintCompilation names the classifiers' logs):
#
#   benchmarks/c2-compilations.sh /tmp/cold-start-logs.../classifier-1.log [WINDOW] [PACKAGES]
#
# It also lists this project's methods whose C2-compiled code was thrown away ("made not entrant")
# after the decode/encode path's warm-up: each runs slower until compiled again.
#
# A PrintCompilation line starts with the JVM's uptime in ms; a log line does not.
set -eu
log=${1:?usage: c2-compilations.sh CLASSIFIER_LOG [WINDOW_SECONDS] [PACKAGES]}
window=${2:-10}
packages=${3:-8}
[ -f "$log" ] || { echo "c2-compilations: no file $log" >&2; exit 2; }
grep -q 'Kafka Streams .* -> RUNNING' "$log" || { echo "c2-compilations: $log never reached RUNNING" >&2; exit 2; }

awk -v window="$window" -v packages="$packages" '
    # the uptime of the last compilation printed before RUNNING dates it
    /Kafka Streams .* -> RUNNING/ && !running { running = uptime; next }
    /Warmed up the decode\/encode path/ { warmed = 1; next }
    warmed && $1 ~ /^[0-9]+$/ && /made not entrant/ {
        for (i = 3; i <= NF; i++) if ($i ~ /^[0-4]$/) { tier = $i; method = $(i + 1); break }
        if (tier == 4 && method ~ /^io\.digitstream\./) {
            thrown[++nthrown] = sprintf("%s at %s", method, running ? sprintf("%+.1f s from RUNNING", ($1 - running) / 1000) : "uptime " $1 " ms, before RUNNING")
        }
        next
    }
    $1 ~ /^[0-9]+$/ && !/made not entrant|made zombie/ {
        uptime = $1
        for (i = 3; i <= NF; i++) if ($i ~ /^[0-4]$/) { tier = $i; method = $(i + 1); break }
        if (tier != 4) next
        if (!running) { before++; next }
        after++
        w = int((uptime - running) / (window * 1000)); by[w]++; if (w > last) last = w
        split(method, parts, "::"); p = parts[1]; sub(/\.[^.]+$/, "", p); package[p]++
    }
    END {
        printf "C2 compilations: %d before RUNNING, %d after\n", before, after
        for (w = 0; w <= last; w++) printf "  %d-%d s after RUNNING: %d\n", w * window, (w + 1) * window, by[w]
        print "Packages compiled after RUNNING, most first:"
        n = 0; for (p in package) names[++n] = p
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (package[names[j]] > package[names[i]]) { t = names[i]; names[i] = names[j]; names[j] = t }
        for (i = 1; i <= n && i <= packages; i++) printf "  %4d %s\n", package[names[i]], names[i]
        printf "Compiled methods of io.digitstream thrown away after the path warm-up: %d\n", nthrown
        for (i = 1; i <= nthrown; i++) print "  " thrown[i]
    }' "$log"
