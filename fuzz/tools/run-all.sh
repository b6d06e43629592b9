#!/bin/bash
# Runs fuzz targets ONE AT A TIME, each for $SECS seconds of actual running (default 600), as
# one process (no -jobs / -workers) under `nice -n 10`. From fuzz/, after
# `RUSTC_BOOTSTRAP=1 cargo fuzz build` (the runner starts the built binaries directly, so a
# run never recompiles a working tree that others are changing):
#
#   nohup bash tools/run-all.sh app_line app_ber ... >/dev/null 2>&1 &
#
# The targets join a queue (artifacts/logs/queue.txt, one name a line) that the runner
# drains in order; append to it while it runs to add targets. Per target:
#   artifacts/logs/<target>.log    libFuzzer's output, with `==` lines from the runner
#   artifacts/logs/summary.log     one line per run: the final "Done N runs in S second(s)",
#                                  seconds stopped, seconds actually run, CPU seconds, result
#   artifacts/logs/current.pid     the running fuzzer's PID (what a benchmark may SIGSTOP)
# libFuzzer's -max_total_time counts wall time, SIGSTOP pauses included, so the runner polls
# the process state each second and counts the seconds it spent stopped (state T). When a
# pause left the target short of $SECS seconds actually run, the runner starts it again on
# the same corpus for the missing seconds (at most 10 top-ups) and says so in the summary.
# A crash (non-zero exit) is logged with its artifact and not topped up.
main() {
    SECS=${SECS:-600}
    BIN=${BIN:-target/x86_64-unknown-linux-gnu/release}
    LOGS=artifacts/logs
    QUEUE=$LOGS/queue.txt
    HZ=$(getconf CLK_TCK)
    mkdir -p "$LOGS"
    for t in "$@"; do echo "$t" >>"$QUEUE"; done
    echo "== runner $$ start $(date -u +%FT%TZ) HEAD $(git rev-parse --short HEAD) SECS=$SECS" >>"$LOGS/summary.log"
    while :; do
        t=$(head -n 1 "$QUEUE" 2>/dev/null)
        [ -z "$t" ] && break
        sed -i 1d "$QUEUE"
        run_target "$t"
    done
    echo "== runner $$ done $(date -u +%FT%TZ)" >>"$LOGS/summary.log"
    rm -f "$LOGS/current.pid"
}

max_len() {
    case $1 in
        app_ntp | app_modbus | app_stun | app_radius | app_dhcpv6 | app_nbns | app_syslog) echo 1024 ;;
        app_dhcp | app_ssh | app_dispatch | app_tftp | app_bittorrent | app_kerberos) echo 4096 ;;
        app_dns | app_http | app_line | app_snmp | app_ldap | app_ber | app_mqtt | app_smb | app_rdp) echo 16384 ;;
        app_tls | app_x509) echo 20000 ;;
        display_filter) echo 4096 ;;
        *) echo 65536 ;;
    esac
}

# One libFuzzer process for $2 seconds of wall time; sets DONE_RUNS, DONE_SECS, STOPPED,
# CPU, RC.
fuzz_once() {
    local t=$1 secs=$2 log=$LOGS/$1.log pid state f last ticks=0
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "== $t start $(date -u +%FT%TZ) max_total_time=$secs" >>"$log"
    nice -n 10 "$BIN/$t" "corpus/$t" -max_total_time="$secs" -rss_limit_mb=2048 \
        -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
        >>"$log" 2>&1 &
    pid=$!
    echo "$pid" >"$LOGS/current.pid"
    STOPPED=0
    while kill -0 "$pid" 2>/dev/null; do
        if read -r -a f <"/proc/$pid/stat" 2>/dev/null; then
            state=${f[2]}
            [ "$state" = T ] && STOPPED=$((STOPPED + 1))
            [ "$state" != Z ] && ticks=$((f[13] + f[14]))
        fi
        sleep 1
    done
    wait "$pid"
    RC=$?
    CPU=$((ticks / HZ))
    last=$(grep -a 'Done [0-9]* runs in [0-9]* second' "$log" | tail -n 1)
    DONE_RUNS=$(echo "$last" | sed -n 's/.*Done \([0-9]*\) runs.*/\1/p')
    DONE_SECS=$(echo "$last" | sed -n 's/.*runs in \([0-9]*\) second.*/\1/p')
    echo "== $t end $(date -u +%FT%TZ) exit $RC stopped ${STOPPED}s cpu ${CPU}s ${last:-(no Done line)}" >>"$log"
}

run_target() {
    local t=$1 ran=0 left=$SECS tries=0 runs=0 wall=0 stopped=0 cpu=0 note="" result
    if [ ! -x "$BIN/$t" ]; then
        echo "$(date -u +%FT%TZ) $t NOT BUILT ($BIN/$t)" >>"$LOGS/summary.log"
        return
    fi
    : >"$LOGS/$t.log"
    while [ "$left" -gt 0 ] && [ "$tries" -le 10 ]; do
        fuzz_once "$t" "$left"
        tries=$((tries + 1))
        runs=$((runs + ${DONE_RUNS:-0}))
        wall=$((wall + ${DONE_SECS:-0}))
        stopped=$((stopped + STOPPED))
        cpu=$((cpu + CPU))
        [ "$RC" -ne 0 ] && break
        ran=$((wall - stopped))
        left=$((SECS - ran))
        if [ "$left" -gt 0 ]; then
            note="$note; paused ${STOPPED}s, topping up ${left}s"
            # libFuzzer exits a few seconds early at most; do not top up a rounding error.
            [ "$STOPPED" -eq 0 ] && break
        fi
    done
    ran=$((wall - stopped))
    if [ "$RC" -ne 0 ]; then
        result="CRASH exit $RC: $(grep -a -m 3 -E 'panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY' "$LOGS/$t.log" | tr '\n' ' ' | cut -c 1-400)"
        result="$result artifact: $(grep -a -o 'Test unit written to [^ ]*' "$LOGS/$t.log" | tail -n 1 | cut -d' ' -f5)"
    else
        result="ok"
    fi
    [ "$ran" -lt "$SECS" ] && note="$note; SHORT: ${ran}s actually run of ${SECS}s"
    echo "$(date -u +%FT%TZ) $t runs=$runs libfuzzer_secs=$wall stopped_secs=$stopped actually_run_secs=$ran cpu_secs=$cpu processes=$tries result=$result${note}" >>"$LOGS/summary.log"
}

main "$@"
exit
