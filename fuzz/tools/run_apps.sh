#!/bin/sh
# Runs fuzz targets one after another, each for $SECS seconds (default 600) at nice 19 with
# one process, logging to artifacts/logs/<target>.log. From fuzz/:
#   sh tools/run_apps.sh app_dns app_http ...      (no arguments: every application target)
SECS=${SECS:-600}
[ $# -eq 0 ] && set -- app_dns app_http app_tls app_dhcp app_ssh app_ntp app_dispatch app_quic app_vnc \
    dissect_app flow_classify
mkdir -p artifacts/logs
for t in "$@"; do
    case $t in
        app_ntp) len=512 ;;
        app_dhcp | app_ssh | app_dispatch) len=4096 ;;
        app_dns | app_http) len=16384 ;;
        app_tls) len=20000 ;;
        display_filter) len=4096 ;;
        *) len=65536 ;;
    esac
    echo "== $t $(date -u +%FT%TZ) $(git rev-parse --short HEAD)" >"artifacts/logs/$t.log"
    RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$SECS" \
        -rss_limit_mb=2048 -max_len="$len" -print_final_stats=1 >>"artifacts/logs/$t.log" 2>&1
    echo "== exit $? $(date -u +%FT%TZ)" >>"artifacts/logs/$t.log"
done
