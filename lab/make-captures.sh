#!/usr/bin/env bash
# Strata lab: labelled traffic from real tools between Linux network namespaces.
#
#   lab/make-captures.sh                 small labelled captures into samples/
#   lab/make-captures.sh --big [N]       one capture of >= N packets (default
#                                        1000000) into lab/out/ for benchmarks
#
# Must run as root. Creates only namespaces named strata-lab-<id>-*, where <id>
# is random per run, and removes them (and every process inside them) on exit,
# error or signal. See lab/README.md.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C
umask 022

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$LAB_DIR")
SAMPLES_DIR=$REPO_DIR/samples
OUT_DIR=$LAB_DIR/out
MODE=samples
BIG_N=1000000
BIG_LIMIT=270          # seconds of traffic generation allowed in big mode
KEEP_WORK=0

usage() {
    cat <<EOF
usage: $0 [--big [N] | --packets N] [--samples-dir DIR] [--out-dir DIR] [--keep-work]

  (no option)      write small labelled captures + LABELS.tsv into samples/
  --big [N]        write one capture of at least N packets (default 1000000)
  --packets N      same as --big N
  --big-limit S    give up generating big traffic after S seconds (default 270)
  --samples-dir D  where small captures go (default: <repo>/samples)
  --out-dir D      where the big capture goes (default: <repo>/lab/out)
  --keep-work      keep the temporary work directory (server logs, configs)
EOF
}

while (($#)); do
    case $1 in
        --big)
            MODE=big
            if [[ ${2:-} =~ ^[0-9]+$ ]]; then BIG_N=$2; shift; fi ;;
        --packets)
            MODE=big
            [[ ${2:-} =~ ^[0-9]+$ ]] || { usage >&2; exit 2; }
            BIG_N=$2; shift ;;
        --big-limit) BIG_LIMIT=$2; shift ;;
        --samples-dir) SAMPLES_DIR=$2; shift ;;
        --out-dir) OUT_DIR=$2; shift ;;
        --keep-work) KEEP_WORK=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

# Hard bound on the whole run: re-exec under timeout(1). On expiry the script
# gets SIGTERM and its trap tears everything down.
if [[ -z ${STRATA_LAB_INNER:-} ]]; then
    if [[ $MODE == big ]]; then total=$((BIG_LIMIT + 150)); else total=240; fi
    export STRATA_LAB_INNER=1
    exec timeout -k 30 "$total" "$BASH" "$0" \
        $([[ $MODE == big ]] && echo --packets "$BIG_N" --big-limit "$BIG_LIMIT") \
        --samples-dir "$SAMPLES_DIR" --out-dir "$OUT_DIR" \
        $([[ $KEEP_WORK == 1 ]] && echo --keep-work)
fi

log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (creates network namespaces)"
for t in ip timeout tcpdump ethtool python3 nginx dnsmasq dig sshd ssh ssh-keygen \
         iperf3 curl nmap hping3 socat ping ss; do
    command -v "$t" >/dev/null || die "missing tool: $t (see lab/README.md for the apt packages)"
done

# ---------------------------------------------------------------- naming
ID=""
for _ in 1 2 3 4 5; do
    ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    ip netns list | grep -q "^strata-lab-$ID-" || break
done
P=strata-lab-$ID
WORK=$(mktemp -d "/tmp/$P.XXXXXX")
CREATED_NS=()
PIDS=()
FAILED=0
NETNS_DIR_MADE=0
[[ -d /etc/netns ]] || NETNS_DIR_MADE=1

HOSTS=(client web dns srv attacker)
declare -A V4=([client]=198.18.0.10 [web]=198.18.0.20 [dns]=198.18.0.30 [srv]=198.18.0.40 [attacker]=198.18.0.66)
declare -A V6=([client]=fd00:5472::10 [web]=fd00:5472::20 [dns]=fd00:5472::30 [srv]=fd00:5472::40 [attacker]=fd00:5472::66)
declare -A MAC=([client]=02:53:54:00:00:10 [web]=02:53:54:00:00:20 [dns]=02:53:54:00:00:30 [srv]=02:53:54:00:00:40 [attacker]=02:53:54:00:00:66)
ns() { echo "$P-$1"; }
both() { echo "${V4[$1]},${V6[$1]}"; }
inns() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    log "teardown ($P)"
    local p n pids
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for n in "${CREATED_NS[@]}"; do
        pids=$(ip netns pids "$n" 2>/dev/null)
        [[ -n $pids ]] && kill -TERM $pids 2>/dev/null
    done
    sleep 0.5
    for n in "${CREATED_NS[@]}"; do
        pids=$(ip netns pids "$n" 2>/dev/null)
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
    done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    for n in "${CREATED_NS[@]}"; do
        ip netns del "$n" 2>/dev/null
        rm -rf "/etc/netns/$n"
    done
    [[ $NETNS_DIR_MADE == 1 ]] && rmdir /etc/netns 2>/dev/null
    if [[ $KEEP_WORK == 1 ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

# start a long-running process inside a namespace, remember its pid
spawn() { # spawn HOST LOGNAME CMD...
    local n=$1 name=$2; shift 2
    ip netns exec "$(ns "$n")" "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
}

wait_listen() { # wait_listen HOST tcp|udp PORT
    local flag=-lnt; [[ $2 == udp ]] && flag=-lnu
    for _ in $(seq 50); do
        [[ -n $(inns "$1" ss -H "$flag" "sport = :$3") ]] && return 0
        sleep 0.1
    done
    die "$1: nothing listening on $2/$3 (see $WORK/*.log)"
}

# ---------------------------------------------------------------- captures
declare -A CAP_PID
CAP_OPTS=""
cap_start() { # cap_start NAME FILE [tcpdump args/filter...]
    local name=$1 file=$2; shift 2
    rm -f "$file"
    ip netns exec "$(ns sw)" tcpdump -i br0 -n -s 0 -U -Z root -B 16384 $CAP_OPTS -w "$file" "$@" \
        >"$WORK/tcpdump-$name.log" 2>&1 &
    CAP_PID[$name]=$!
    PIDS+=($!)
    for _ in $(seq 50); do
        grep -qs "listening on" "$WORK/tcpdump-$name.log" && return 0
        sleep 0.1
    done
    die "tcpdump $name did not start: $(cat "$WORK/tcpdump-$name.log")"
}
cap_stop() { # cap_stop NAME
    local pid=${CAP_PID[$1]}
    # libpcap hands over a ring-buffer block when it is full or after 1 s:
    # wait for that, so the last packets are written before tcpdump stops
    sleep 1.2
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    log "capture $1: $(grep -E 'captured|dropped' "$WORK/tcpdump-$1.log" | tr '\n' ' ')"
}

# ---------------------------------------------------------------- labels
# Every action appends one rule: window, label, tool, proto, endpoints.
ACTIONS=$WORK/actions.tsv
: >"$ACTIONS"
T0="" T1=""
rule() { # rule LABEL TOOL PROTO CLIENT_IPS SERVER_IPS PORTS NOTE  (uses last T0/T1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$T0" "$T1" "$@" >>"$ACTIONS"
}
# act LABEL TOOL PROTO CLIENT SERVER PORTS NOTE -- HOST TIMEOUT CMD...
act() {
    local label=$1 tool=$2 proto=$3 cli=$4 srv=$5 ports=$6 note=$7
    shift 7; [[ $1 == -- ]] && shift
    local host=$1 secs=$2; shift 2
    T0=$EPOCHREALTIME
    echo "### $host: $*" >>"$WORK/actions.log"
    local rc=0
    timeout -k 2 "$secs" ip netns exec "$(ns "$host")" "$@" >>"$WORK/actions.log" 2>&1 || rc=$?
    T1=$EPOCHREALTIME
    if ((rc != 0)) && [[ ${ALLOW_FAIL:-0} != 1 ]]; then
        log "FAILED (rc=$rc): $host: $*"
        FAILED=$((FAILED + 1))
    fi
    rule "$label" "$tool" "$proto" "$cli" "$srv" "$ports" "$note"
    sleep 0.2
}

# ---------------------------------------------------------------- topology
log "building topology $P-{sw,${HOSTS[*]// /,}}"
mkdir -p "$WORK/www" "$WORK/nginx-tmp"
chmod 711 "$WORK"; chmod 755 "$WORK/www"   # nginx workers run as nobody
ip netns add "$(ns sw)"; CREATED_NS+=("$(ns sw)")
inns sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
inns sw ip link set lo up
# ageing_time 0: the bridge learns nothing and floods every frame (a hub), so a
# capture on br0 (promiscuous) sees all unicast between the hosts as well.
inns sw ip link add br0 type bridge ageing_time 0 stp_state 0 mcast_snooping 0
inns sw ip link set br0 up

# capture from the very first frame so DAD / router solicitation / MLD are in it
if [[ $MODE == samples ]]; then
    mkdir -p "$SAMPLES_DIR"
    cap_start mixed "$WORK/lab-mixed.pcap"
fi

for h in "${HOSTS[@]}"; do
    n=$(ns "$h")
    ip netns add "$n"; CREATED_NS+=("$n")
    inns sw ip link add "p-$h" type veth peer name eth0 netns "$n"
    inns "$h" ip link set eth0 address "${MAC[$h]}"
    # no segmentation/checksum offload: frames on the wire are MTU-sized and
    # carry real checksums, like on a physical link
    inns sw ethtool -K "p-$h" tso off gso off gro off tx off >/dev/null 2>&1 || true
    inns "$h" ethtool -K eth0 tso off gso off gro off tx off >/dev/null 2>&1 \
        || log "warning: could not disable offloads on $h"
    inns sw ip link set "p-$h" master br0 up
    inns "$h" ip link set lo up
    inns "$h" ip addr add "${V4[$h]}/24" dev eth0
    inns "$h" ip addr add "${V6[$h]}/64" dev eth0
    inns "$h" ip link set eth0 up
    mkdir -p "/etc/netns/$n"
    printf 'nameserver %s\nnameserver %s\nsearch strata.test\noptions timeout:1 attempts:1\n' \
        "${V4[dns]}" "${V6[dns]}" >"/etc/netns/$n/resolv.conf"
done

# optional 802.1Q: only if the kernel has 8021q (many CI/VM kernels do not)
VLAN=0
if inns client ip link add link eth0 name eth0.100 type vlan id 100 2>/dev/null; then
    if inns web ip link add link eth0 name eth0.100 type vlan id 100 2>/dev/null; then
        VLAN=1
        inns client ip addr add 198.18.100.10/24 dev eth0.100
        inns web ip addr add 198.18.100.20/24 dev eth0.100
        inns client ip link set eth0.100 up
        inns web ip link set eth0.100 up
    fi
fi
log "802.1Q VLAN traffic: $([[ $VLAN == 1 ]] && echo yes || echo 'no (kernel lacks 8021q)')"

for _ in $(seq 60); do
    tentative=0
    for h in "${HOSTS[@]}"; do
        [[ -n $(inns "$h" ip -6 addr show dev eth0 tentative) ]] && tentative=1
    done
    ((tentative == 0)) && break
    sleep 0.1
done

# ---------------------------------------------------------------- servers
log "starting servers (nginx, dnsmasq, sshd, iperf3, socat)"
head -c 524288 /dev/urandom >"$WORK/www/big.bin"
head -c 65536 /dev/urandom >"$WORK/www/medium.bin"
cat >"$WORK/www/index.html" <<'EOF'
<!doctype html>
<html><head><title>Strata lab</title><link rel="stylesheet" href="/style.css"></head>
<body><h1>Strata lab web server</h1><p>Traffic made by lab/make-captures.sh.</p>
<a href="/about.html">about</a> <a href="/data.json">data</a></body></html>
EOF
echo '<html><body><p>about the lab: namespaces, a bridge, real tools.</p></body></html>' >"$WORK/www/about.html"
echo 'body { font-family: sans-serif; color: #223; }' >"$WORK/www/style.css"
python3 - "$WORK/www/data.json" <<'EOF'
import json, sys
rows = [{"id": i, "host": f"198.18.0.{i % 250}", "bytes": i * 137, "label": "benign"} for i in range(120)]
json.dump({"flows": rows}, open(sys.argv[1], "w"), indent=1)
EOF
head -c 20000 /dev/urandom >"$WORK/upload.bin"
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 512; }
http {
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/nginx-tmp/body;
    proxy_temp_path $WORK/nginx-tmp/proxy;
    fastcgi_temp_path $WORK/nginx-tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx-tmp/uwsgi;
    scgi_temp_path $WORK/nginx-tmp/scgi;
    types { text/html html; text/css css; application/json json; application/octet-stream bin; }
    default_type text/plain;
    keepalive_requests 1000000;
    gzip on;
    gzip_types application/json text/css;
    gzip_min_length 200;
    server {
        listen ${V4[web]}:80;
        listen [${V6[web]}]:80;
        $([[ $VLAN == 1 ]] && echo "listen 198.18.100.20:80;")
        server_name web.strata.test www.strata.test;
        root $WORK/www;
        location = /upload { client_max_body_size 16m; return 201 "stored\n"; }
        location = /old { return 301 /index.html; }
    }
}
EOF
spawn web nginx nginx -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf"

BIGTXT=$(python3 -c 'print(",".join("\"" + ("strata-lab-padding-%d-" % i) * 9 + "\"" for i in range(4)))')
spawn dns dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --no-poll --bind-interfaces --listen-address="${V4[dns]}" --listen-address="${V6[dns]}" \
    --user=root --group=root --pid-file= --log-queries --log-facility=- \
    --local=/strata.test/ --domain=strata.test --cache-size=0 \
    --host-record=web.strata.test,"${V4[web]}","${V6[web]}" \
    --host-record=dns.strata.test,"${V4[dns]}","${V6[dns]}" \
    --host-record=srv.strata.test,"${V4[srv]}","${V6[srv]}" \
    --host-record=client.strata.test,"${V4[client]}","${V6[client]}" \
    --host-record=mail.strata.test,198.18.0.25 \
    --cname=www.strata.test,web.strata.test \
    --mx-host=strata.test,mail.strata.test,10 \
    --txt-record=strata.test,"v=spf1 ip4:198.18.0.0/24 -all" \
    --txt-record=_lab.strata.test,"strata lab","made by lab/make-captures.sh" \
    --txt-record=big.strata.test,"${BIGTXT//\"/}" \
    --srv-host=_ssh._tcp.strata.test,srv.strata.test,22

ssh-keygen -q -t ed25519 -N '' -C strata-lab-host -f "$WORK/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C strata-lab-client -f "$WORK/id_client"
ssh-keygen -q -t ed25519 -N '' -C strata-lab-intruder -f "$WORK/id_intruder"
cp "$WORK/id_client.pub" "$WORK/authorized_keys"
cat >"$WORK/sshd_config" <<EOF
Port 22
ListenAddress ${V4[srv]}
ListenAddress ${V6[srv]}
HostKey $WORK/ssh_host_ed25519_key
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
MaxStartups 100:30:200
EOF
mkdir -p /run/sshd   # sshd's standard privilege-separation directory
spawn srv sshd "$(command -v sshd)" -D -e -f "$WORK/sshd_config"
spawn srv iperf3-a iperf3 -s -p 5201
spawn srv iperf3-b iperf3 -s -p 5202
spawn srv iperf3-c iperf3 -s -p 5203
spawn srv socat-sink socat -u TCP6-LISTEN:9000,ipv6only=0,reuseaddr,fork GOPEN:/dev/null
spawn srv socat-echo socat UDP6-RECVFROM:7777,ipv6only=0,reuseaddr,fork PIPE

wait_listen web tcp 80
wait_listen dns udp 53
wait_listen dns tcp 53
wait_listen srv tcp 22
wait_listen srv tcp 5201
wait_listen srv tcp 9000
wait_listen srv udp 7777

SSH_OPTS=(-F /dev/null -o IdentitiesOnly=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR)
C=$(both client); W=$(both web); D=$(both dns); S=$(both srv); A=$(both attacker)
W4=${V4[web]} W6=${V6[web]} D4=${V4[dns]} D6=${V6[dns]} S4=${V4[srv]} S6=${V6[srv]}

# ================================================================ samples mode
samples_mode() {
    log "ICMP / ICMPv6 echo"
    act benign/icmp-echo ping icmp "$C" "$W" '*' "ping 3x" -- client 10 ping -c 3 -i 0.2 "$W4"
    act benign/icmp-echo ping icmp "$C" "$W" '*' "ping -6 3x" -- client 10 ping -6 -c 3 -i 0.2 "$W6"
    act benign/icmp-echo ping icmp "$C" "$S" '*' "ping 3000-byte payload, IPv4 fragments" \
        -- client 10 ping -c 2 -i 0.2 -s 3000 "$S4"
    act benign/icmp-echo ping icmp "$C" "$S" '*' "ping -6 3000-byte payload, IPv6 fragment header" \
        -- client 10 ping -6 -c 2 -i 0.2 -s 3000 "$S6"
    act benign/icmp-echo ping icmp "$C" "$D" '*' "ping -6 2x" -- client 10 ping -6 -c 2 -i 0.2 "$D6"

    log "DNS (dig, UDP and TCP)"
    cap_start dns "$WORK/lab-dns.pcap" port 53
    local q
    local -a dq=(+time=2 +tries=1)
    for q in "web.strata.test A" "web.strata.test AAAA" "strata.test MX" "strata.test TXT" \
             "www.strata.test A" "_ssh._tcp.strata.test SRV" "_lab.strata.test TXT" \
             "nosuch.strata.test A"; do
        act benign/dns dig udp "$C" "$D" 53 "dig $q" -- client 10 dig "${dq[@]}" @"$D4" $q
    done
    act benign/dns dig udp "$C" "$D" 53 "dig -x ${V4[srv]} (PTR)" -- client 10 dig "${dq[@]}" @"$D4" -x "$S4"
    act benign/dns dig udp "$C" "$D" 53 "dig AAAA over IPv6" -- client 10 dig "${dq[@]}" @"$D6" web.strata.test AAAA
    act benign/dns dig udp "$C" "$D" 53 "dig MX over IPv6" -- client 10 dig "${dq[@]}" @"$D6" strata.test MX
    for q in "web.strata.test A" "strata.test MX" "strata.test TXT" "www.strata.test AAAA"; do
        act benign/dns dig tcp "$C" "$D" 53 "dig +tcp $q" -- client 10 dig "${dq[@]}" +tcp @"$D4" $q
    done
    act benign/dns dig tcp "$C" "$D" 53 "dig +tcp AAAA over IPv6" -- client 10 dig "${dq[@]}" +tcp @"$D6" web.strata.test AAAA
    act benign/dns dig any "$C" "$D" 53 "dig +noedns big TXT: truncated UDP answer, retried over TCP" \
        -- client 10 dig "${dq[@]}" +noedns @"$D4" big.strata.test TXT
    cap_stop dns

    log "HTTP (nginx + curl)"
    cap_start web "$WORK/lab-web.pcap" port 80 or port 53 or \( vlan and \( port 80 or port 53 \) \)
    local -a cu=(-sS --max-time 10 -o /dev/null -w '%{http_code} %{size_download} %{remote_ip}\n')
    act benign/http curl tcp "$C" "$W" 80 "GET / by name (resolver picks the address)" \
        -- client 15 curl "${cu[@]}" http://web.strata.test/
    rule benign/dns curl any "$C" "$D" 53 "curl's resolver lookups (A+AAAA)"
    act benign/http curl tcp "$C" "$W" 80 "keep-alive: 4 GETs on one connection, one 404" \
        -- client 15 curl "${cu[@]}" -4 "http://$W4/index.html" -o /dev/null "http://$W4/style.css" \
        -o /dev/null "http://$W4/about.html" -o /dev/null "http://$W4/missing.html"
    act benign/http curl tcp "$C" "$W" 80 "GET json over IPv6 with gzip (chunked)" \
        -- client 15 curl "${cu[@]}" --compressed -H 'Accept: application/json' "http://[$W6]/data.json"
    act benign/http curl tcp "$C" "$W" 80 "HEAD" -- client 15 curl -sS --max-time 10 -I "http://$W4/index.html"
    act benign/http curl tcp "$C" "$W" 80 "GET /old: 301 redirect followed" \
        -- client 15 curl "${cu[@]}" -L "http://$W4/old"
    act benign/http curl tcp "$C" "$W" 80 "POST form (www-form-urlencoded) by name" \
        -- client 15 curl "${cu[@]}" -4 -d 'user=alice&comment=hello+strata' http://www.strata.test/upload
    rule benign/dns curl any "$C" "$D" 53 "curl's resolver lookups (A+AAAA)"
    act benign/http curl tcp "$C" "$W" 80 "POST multipart 20 kB file" \
        -- client 15 curl "${cu[@]}" -F "file=@$WORK/upload.bin" -F note=lab "http://$W4/upload"
    act benign/http curl tcp "$C" "$W" 80 "GET 64 KiB over IPv6" \
        -- client 15 curl "${cu[@]}" "http://[$W6]/medium.bin"
    act benign/http curl tcp "$C" "$W" 80 "GET 512 KiB download" \
        -- client 20 curl "${cu[@]}" "http://$W4/big.bin"
    if [[ $VLAN == 1 ]]; then
        # not exercised on the kernel the committed samples were made on (no 8021q)
        ALLOW_FAIL=1
        act benign/http curl tcp 198.18.100.10 198.18.100.20 80 "GET over 802.1Q VLAN 100" \
            -- client 15 curl "${cu[@]}" http://198.18.100.20/index.html
        act benign/icmp-echo ping icmp 198.18.100.10 198.18.100.20 '*' "ping over VLAN 100" \
            -- client 10 ping -c 2 -i 0.2 198.18.100.20
        ALLOW_FAIL=0
    fi
    cap_stop web

    log "SSH"
    act benign/ssh ssh tcp "$C" "$S" 22 "ssh command with ~270 kB output" \
        -- client 20 ssh "${SSH_OPTS[@]}" -i "$WORK/id_client" "root@$S4" \
        'uname -sr; id -un; head -c 200000 /dev/urandom | base64'
    act benign/ssh ssh tcp "$C" "$S" 22 "ssh -6 short command" \
        -- client 20 ssh "${SSH_OPTS[@]}" -i "$WORK/id_client" "root@$S6" 'echo hello from the strata lab'

    log "bulk TCP and a little UDP"
    act benign/bulk iperf3 tcp "$C" "$S" 5201 "iperf3 1 MiB upload (control + data connection)" \
        -- client 20 iperf3 -c "$S4" -p 5201 -n 1M
    act benign/bulk socat tcp "$C" "$S" 9000 "socat 768 KiB upload over IPv6" \
        -- client 20 sh -c "head -c 786432 /dev/urandom | socat -u - TCP6:[$S6]:9000"
    act benign/udp iperf3 any "$C" "$S" 5203 "iperf3 -u 1 s at 1 Mbit/s, 1000-byte datagrams" \
        -- client 20 iperf3 -c "$S4" -p 5203 -u -b 1M -t 1 -l 1000
    act benign/udp socat udp "$C" "$S" 7777 "UDP echo over IPv6 (socat)" \
        -- client 10 sh -c "for i in 1 2 3; do echo strata-lab-echo-\$i | socat -T 0.5 - UDP6:[$S6]:7777; done"

    log "attacks: nmap scans, hping3 SYN burst, ssh login failures"
    cap_start attack "$WORK/lab-attack.pcap"
    ALLOW_FAIL=1
    act scan/nmap-syn nmap any "$A" "$S" '*' "nmap -sS 1-1024 + 5201,9000" \
        -- attacker 60 nmap -n -sS -T4 --max-retries 1 -p 1-1024,5201,9000 "$S4"
    act scan/nmap-syn nmap any "$A" "$W" '*' "nmap -6 -sS 20-25,80,443" \
        -- attacker 30 nmap -6 -n -sS -T4 --max-retries 1 -p 20-25,80,443 "$W6"
    act scan/nmap-udp nmap any "$A" "$D" '*' "nmap -sU 53,123,161,500" \
        -- attacker 30 nmap -n -sU -T4 --max-retries 1 -p 53,123,161,500 "$D4"
    act dos/syn-flood hping3 any "$A" "$W" 80 "hping3 -S 100 SYNs at 500/s (small, bounded)" \
        -- attacker 20 hping3 -q -S -p 80 -c 100 -i u2000 "$W4"
    local u
    for u in admin root oracle; do
        act bruteforce/ssh ssh tcp "$A" "$S" 22 "ssh login as $u with an unauthorised key" \
            -- attacker 15 ssh "${SSH_OPTS[@]}" -i "$WORK/id_intruder" "$u@$S4" true
    done
    ALLOW_FAIL=0
    cap_stop attack

    cap_stop mixed

    log "writing samples to $SAMPLES_DIR"
    local f
    {
        printf 'capture\tflow\tfirst_ts\tlast_ts\tip\tl4\tclient_ip\tclient_port\tserver_ip\tserver_port\tpackets\tbytes\tlabel\ttool\tnote\n'
        for f in lab-mixed lab-web lab-dns lab-attack; do
            python3 "$LAB_DIR/label_flows.py" "$ACTIONS" "$WORK/$f.pcap" "$f.pcap"
        done
    } >"$WORK/LABELS.tsv"
    for f in lab-mixed lab-web lab-dns lab-attack; do
        cp "$WORK/$f.pcap" "$SAMPLES_DIR/$f.pcap"
    done
    cp "$WORK/LABELS.tsv" "$SAMPLES_DIR/LABELS.tsv"
    if command -v capinfos >/dev/null; then
        for f in lab-mixed lab-web lab-dns lab-attack; do
            capinfos -c -s "$SAMPLES_DIR/$f.pcap" | tail -n +2 >&2
        done
    fi
}

# ================================================================ big mode
big_mode() {
    mkdir -p "$OUT_DIR"
    local out=$OUT_DIR/lab-big-$BIG_N.pcap
    # queries for dig -f (one dig process, many lookups)
    local i
    for ((i = 0; i < 200; i++)); do
        case $((i % 8)) in
            0) echo "@$D4 web.strata.test A" ;;
            1) echo "@$D4 web.strata.test AAAA" ;;
            2) echo "@$D4 strata.test MX" ;;
            3) echo "@$D6 strata.test TXT" ;;
            4) echo "@$D4 www.strata.test A" ;;
            5) echo "@$D4 host$i.strata.test A" ;;   # NXDOMAIN
            6) echo "@$D6 _ssh._tcp.strata.test SRV" ;;
            7) echo "@$D4 -x $S4" ;;
        esac
    done >"$WORK/queries.txt"
    head -40 "$WORK/queries.txt" >"$WORK/queries-tcp.txt"
    local urls4=() urls6=()
    for i in index.html style.css about.html data.json missing.html; do
        urls4+=("http://$W4/$i" -o /dev/null); urls6+=("http://[$W6]/$i" -o /dev/null)
    done

    log "big mode: capturing $BIG_N packets into $out (limit ${BIG_LIMIT}s)"
    local start=$EPOCHREALTIME
    CAP_OPTS="-B 131072"   # no immediate mode at this rate; -c N ends it cleanly
    cap_start big "$WORK/lab-big.pcap" -c "$BIG_N"

    # a short attack prefix, sequential so its labels are unambiguous
    ALLOW_FAIL=1
    act scan/nmap-syn nmap any "$A" "$S" '*' "nmap -sS 1-10000" \
        -- attacker 60 nmap -n -sS -T5 --max-retries 1 -p 1-10000 "$S4"
    act dos/syn-flood hping3 any "$A" "$W" 80 "hping3 -S 2000 SYNs" \
        -- attacker 20 hping3 -q -S -p 80 -c 2000 -i u500 "$W4"
    ALLOW_FAIL=0

    # concurrent real-tool generators, each a loop inside its namespace
    T0=$EPOCHREALTIME
    local lim=$BIG_LIMIT
    spawn client gen-http4b timeout "$lim" bash -c 'while :; do curl -s --max-time 5 "$@" >/dev/null; done' _ \
        -4 "${urls4[@]}"
    spawn client gen-http4 timeout "$lim" bash -c 'while :; do curl -s --max-time 5 "$@" >/dev/null; done' _ \
        -4 "${urls4[@]}"
    spawn client gen-http6 timeout "$lim" bash -c 'while :; do curl -s --max-time 5 "$@" >/dev/null; done' _ \
        "${urls6[@]}"
    spawn client gen-http-post timeout "$lim" bash -c 'while :; do
        curl -s --max-time 5 -o /dev/null -d "user=bob&n=$RANDOM" "$1";
        curl -s --max-time 5 -o /dev/null "$2"; curl -s --max-time 5 -o /dev/null --compressed "$3"; done' _ \
        "http://$W4/upload" "http://$W4/medium.bin" "http://[$W6]/data.json"
    spawn client gen-dns-udp timeout "$lim" bash -c 'while :; do dig +time=1 +tries=1 -f "$1" >/dev/null; done' _ \
        "$WORK/queries.txt"
    spawn client gen-dns-tcp timeout "$lim" bash -c 'while :; do dig +tcp +time=1 +tries=1 -f "$1" >/dev/null; done' _ \
        "$WORK/queries-tcp.txt"
    spawn client gen-ping4 timeout "$lim" ping -q -i 0.01 "$W4"
    spawn client gen-ping6 timeout "$lim" ping -6 -q -i 0.02 "$D6"
    spawn client gen-ssh timeout "$lim" bash -c 'while :; do
        ssh "$@" "uname -a; head -c 20000 /dev/urandom | base64" >/dev/null; sleep 0.2; done' _ \
        "${SSH_OPTS[@]}" -i "$WORK/id_client" "root@$S4"
    spawn attacker gen-brute timeout "$lim" bash -c 'while :; do
        ssh "$@" "user$RANDOM@'"$S4"'" true 2>/dev/null; sleep 0.5; done' _ \
        "${SSH_OPTS[@]}" -i "$WORK/id_intruder"
    # bulk TCP with a small MSS (many packets per byte), rate-limited so the
    # other traffic is not drowned; plus a UDP stream
    spawn client gen-bulk4 iperf3 -c "$S4" -p 5201 -t "$lim" -M 536 -b 16M
    spawn client gen-bulk6 iperf3 -6 -c "$S6" -p 5202 -t "$lim" -M 536 -b 16M -R
    spawn client gen-udp iperf3 -c "$S4" -p 5203 -u -t "$lim" -b 4M -l 400

    # wait for tcpdump -c N to finish, but no longer than the limit
    while kill -0 "${CAP_PID[big]}" 2>/dev/null; do
        if (( ${EPOCHREALTIME%.*} - ${start%.*} > BIG_LIMIT )); then
            log "time limit reached, stopping the capture"
            kill -INT "${CAP_PID[big]}" 2>/dev/null || true
            break
        fi
        sleep 0.5
    done
    wait "${CAP_PID[big]}" 2>/dev/null || true
    T1=$EPOCHREALTIME
    local secs
    secs=$(python3 -c "print(f'{$T1 - $start:.1f}')")
    rule benign/http curl tcp "$C" "$W" 80 "curl loops (keep-alive GETs, POSTs, gzip)"
    rule benign/dns dig any "$C" "$D" 53 "dig -f loops, UDP and +tcp"
    rule benign/icmp-echo ping icmp "$C" "$W,$D" '*' "ping -i 0.01 / ping -6 -i 0.02"
    rule benign/ssh ssh tcp "$C" "$S" 22 "ssh command loop"
    rule bruteforce/ssh ssh tcp "$A" "$S" 22 "ssh logins with an unauthorised key"
    rule benign/bulk iperf3 tcp "$C" "$S" 5201,5202 "iperf3 small-MSS TCP, v4 upload and v6 download"
    rule benign/udp iperf3 any "$C" "$S" 5203 "iperf3 -u 4 Mbit/s"
    log "capture big: $(grep -E 'captured|dropped' "$WORK/tcpdump-big.log" | tr '\n' ' ')"

    # stop the generators (they live only in our namespaces)
    local h pids
    for h in client attacker; do
        pids=$(ip netns pids "$(ns "$h")")
        [[ -n $pids ]] && kill -TERM $pids 2>/dev/null || true
    done
    mv "$WORK/lab-big.pcap" "$out"
    log "labelling flows"
    python3 "$LAB_DIR/label_flows.py" "$ACTIONS" "$out" "$(basename "$out")" --header \
        >"$OUT_DIR/lab-big-$BIG_N.labels.tsv"
    local n
    n=$(python3 -c "
import struct,sys
f=open(sys.argv[1],'rb'); f.read(24); n=0
while True:
    h=f.read(16)
    if len(h)<16: break
    f.seek(struct.unpack('<IIII',h)[2],1); n+=1
print(n)" "$out")
    log "big capture: $n packets, $(du -h "$out" | cut -f1), ${secs}s of traffic -> $out"
    ((n >= BIG_N)) || die "only $n of $BIG_N packets within ${BIG_LIMIT}s"
}

if [[ $MODE == samples ]]; then samples_mode; else big_mode; fi

if ((FAILED > 0)); then die "$FAILED actions failed (see log above)"; fi
log "done"
