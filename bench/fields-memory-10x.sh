#!/bin/sh
# Peak memory of `strata dissect -T fields` (the 61 reference fields) on the lab capture read
# once and ten times in a row, both streamed through standard input so the two runs read the
# same way (mergecap -a concatenates the copies into one pcap stream). Flat memory is the
# point: PyShark/tshark grow with the capture, Strata's reassembly and tables are bounded.
# Usage: bench/fields-memory-10x.sh [STRATA] [CAPTURE]
set -eu
BIN=${1:-target/release/strata}
CAP=${2:-lab/out/lab-big-1000000.pcap}
FIELDS=$(head -1 ../shared/corpus/tshark-ref/ndpi__tftp.pcap.fields.tsv | tr '\t' '\n' | sed 's/^/-e /')
run() {
    # shellcheck disable=SC2086
    mergecap -a -F pcap -w - "$@" | /usr/bin/time -f "%e s, peak RSS %M KiB" \
        "$BIN" dissect -r - -n -T fields -E header=y -E separator=/t -E occurrence=f $FIELDS \
        2>&1 >/dev/null | tail -n 1
}
printf '1x:  '; run "$CAP"
printf '10x: '; run "$CAP" "$CAP" "$CAP" "$CAP" "$CAP" "$CAP" "$CAP" "$CAP" "$CAP" "$CAP"
