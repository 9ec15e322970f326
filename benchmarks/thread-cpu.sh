#!/bin/bash
# CPU seconds each thread of a running process used over an interval, from /proc, busiest first;
# threads are grouped by their name as the kernel keeps it (15 characters). For example, the
# classifier ColdStartBench (docs/BENCHMARKS.md, W1) has just started:
#
#   benchmarks/thread-cpu.sh "$(pgrep -f 'DigitstreamServing classifier')" 30
#
# Linux only. Threads that start or end within the interval count only for what they used in it.
set -eu
pid=${1:?usage: thread-cpu.sh PID SECONDS}
seconds=${2:?usage: thread-cpu.sh PID SECONDS}
[ -d "/proc/$pid" ] || { echo "thread-cpu: no process $pid" >&2; exit 2; }
ticks=$(getconf CLK_TCK)

sample() {
    for task in /proc/"$pid"/task/*; do
        name=$(cat "$task/comm" 2>/dev/null) || continue
        stat=$(cat "$task/stat" 2>/dev/null) || continue
        # fields after the command's closing parenthesis: utime and stime are the 12th and 13th
        set -- ${stat##*) }
        printf '%s\t%s\t%s\n' "${task##*/}" "$(( ${12} + ${13} ))" "$name"
    done
}

before=$(sample)
sleep "$seconds"
after=$(sample)
awk -F'\t' -v ticks="$ticks" -v seconds="$seconds" '
    NR == FNR { start[$1] = $2; next }
    { used[$3] += $2 - ($1 in start ? start[$1] : 0) }
    END {
        for (name in used) if (used[name] > 0) printf "%8.2f s  %5.1f %% of a core  %s\n", used[name] / ticks, 100 * used[name] / ticks / seconds, name
    }' <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sort -rn
