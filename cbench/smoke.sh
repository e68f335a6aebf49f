#!/usr/bin/env bash
# Smoke test of cbench's modes on veth pairs of its own (run as root from anywhere):
#
#   cbench/smoke.sh [-d SECS] [-n ROUND_TRIPS]
#
# Builds cbench into a temporary directory, then:
#   reflect   scapy sends frames into vA, cbench reflect answers on vB, scapy checks each answer
#             (MACs swapped, every other byte unchanged); then a reflect rate, fed by txonly
#   ping      cbench ping on vA <-> cbench reflect on vB: busy polling, poll(), kernel busy polling
#   jumbo     MTU 9000 pair: txonly -G -s 9000 (3 descriptors a frame) -> rxdrop -G, drv and skb
#   mq        4-queue pair: txonly on queues 0 and 2 -> rxdrop -Q 4 -U (shared UMEM, one thread)
#   tpv3      txonly -> AF_PACKET TPACKET_V3 receiver
#
# Senders are pinned to CPU 0, receivers and reflectors to CPU 1. Both ends of every veth are in
# namespaces of ours, with IPv6 off and no addresses; frames carry 198.18.0.1 -> 198.18.0.2 UDP/9.
# Everything is deleted on exit, also on failure or Ctrl-C.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
DUR=2
PINGS=100000
while getopts "d:n:" o; do
	case $o in
	d) DUR=$OPTARG ;;
	n) PINGS=$OPTARG ;;
	*) sed -n '2,16p' "$0"; exit 1 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "smoke.sh: must run as root" >&2; exit 1; }
PY=/usr/bin/python3 # Debian's, with scapy

TAG=cbs$$
BUILD=$(mktemp -d /tmp/cbench-smoke.XXXXXX)
NAMESPACES=()
PIDS=()
cleanup() {
	set +e
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.3
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$BUILD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make -s -C "$BUILD" -f "$HERE/Makefile"
CB=$BUILD/cbench

# pair NAME QUEUES MTU: namespaces ${TAG}NAMEa/b joined by vA/vB; sets A, B, BMAC
pair() {
	A=$TAG${1}a B=$TAG${1}b
	for ns in $A $B; do
		ip netns add "$ns"
		NAMESPACES+=("$ns")
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add vA numtxqueues "$2" numrxqueues "$2" netns "$A" type veth peer name vB numtxqueues "$2" numrxqueues "$2" netns "$B"
	ip -n "$A" link set vA mtu "$3" up
	ip -n "$B" link set vB mtu "$3" up
	BMAC=$(ip -n "$B" -j link show vB | $PY -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
}

# bg NS CPU LOG CMD...: starts CMD in NS on CPU, output to LOG
bg() {
	local ns=$1 cpu=$2 log=$3
	shift 3
	ip netns exec "$ns" taskset -c "$cpu" "$@" >"$log" 2>&1 &
	PIDS+=($!)
	LAST=$!
}

# ready LOG PREFIX PID: waits for the ready line
ready() {
	for _ in $(seq 100); do
		grep -q "^$2" "$1" && return 0
		kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
		sleep 0.05
	done
	echo "no ready line '$2' in $1" >&2
	return 1
}

result() { grep -h '^RESULT' "$1" | tail -1; }
stats() { grep -h 'xdp_stats' "$1" | sed 's/^/    /'; }
L=$BUILD/log

echo "== reflect: scapy frames into vA, answers checked by scapy"
pair r 1 1500
AMAC=$(ip -n "$A" -j link show vA | $PY -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
bg "$B" 1 "$L.refl" "$CB" reflect -i vB -m drv -L -d 0
RP=$LAST
ready "$L.refl" "reflect if=" $RP
ip netns exec "$A" $PY - "$AMAC" "$BMAC" <<'EOF'
import os, sys
from scapy.all import AsyncSniffer, Ether, IP, UDP, Raw, sendp, conf
conf.verb = 0
amac, bmac = sys.argv[1], sys.argv[2]
frames = [Ether(src=amac, dst=bmac) / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=10000 + i, dport=9)
          / Raw(os.urandom(18 + 90 * i)) for i in range(16)]
sniff = AsyncSniffer(iface="vA", lfilter=lambda p: p[Ether].dst == amac)
sniff.start()
import time; time.sleep(0.5)
sendp(frames, iface="vA")
time.sleep(1)
got = sniff.stop()
want = {bytes(Ether(src=bmac, dst=amac) / f[IP]) for f in frames}
answers = {bytes(p) for p in got}
print(f"  sent {len(frames)} frames of {len(frames[0])}..{len(frames[-1])} bytes, {len(got)} answers, "
      f"{len(want & answers)} with MACs swapped and the rest byte-identical")
sys.exit(0 if want == answers and len(got) == len(frames) else 1)
EOF
kill -TERM $RP; wait $RP || true
echo "  $(result "$L.refl")"

echo "== reflect rate: txonly on vA -> reflect on vB (-> back to vA, where nothing listens)"
bg "$B" 1 "$L.refl" "$CB" reflect -i vB -m drv -L -W 1 -d "$DUR" -t 1 -T 10
RP=$LAST
ready "$L.refl" "reflect if=" $RP
ip netns exec "$A" taskset -c 0 "$CB" txonly -i vA -m none -P 64 -D "$BMAC" -B 256 -W 1 -d "$DUR" -t 2 >"$L.tx"
wait $RP
echo "  sender:    $(result "$L.tx")"
echo "  reflector: $(result "$L.refl")"
stats "$L.refl"

echo "== ping <-> reflect, $PINGS round trips each"
for cfg in "busy-poll:" "poll():-p" "kernel busy polling 50us:-K 50"; do
	name=${cfg%%:*} flags=${cfg#*:}
	for mode in drv skb; do
		bg "$B" 1 "$L.refl" "$CB" reflect -i vB -m $mode -L -d 0 $flags
		RP=$LAST
		ready "$L.refl" "reflect if=" $RP
		ip netns exec "$A" taskset -c 0 "$CB" ping -i vA -m $mode -L -D "$BMAC" -n "$PINGS" $flags >"$L.ping"
		kill -TERM $RP; wait $RP || true
		echo "  $mode $name: $(result "$L.ping")"
	done
done
ip netns del "$A"; ip netns del "$B"

echo "== jumbo: MTU 9000, txonly -G -s 9000 -> rxdrop -G"
pair j 1 9000
for mode in drv skb; do
	bg "$B" 1 "$L.rx" "$CB" rxdrop -i vB -m $mode -L -G -W 1 -d "$DUR" -T 10
	RP=$LAST
	ready "$L.rx" "rxdrop if=" $RP
	ip netns exec "$A" taskset -c 0 "$CB" txonly -i vA -m none -G -s 9000 -b 16 -P 64 -D "$BMAC" -W 1 -d "$DUR" -t 2 >"$L.tx"
	wait $RP
	echo "  $mode sender:   $(result "$L.tx")"
	echo "  $mode receiver: $(result "$L.rx")"
	stats "$L.rx"
done
ip netns del "$A"; ip netns del "$B"

echo "== multi-queue: txonly on vA queues 0 and 2 -> rxdrop -Q 4 -U (shared UMEM, one thread)"
pair m 4 1500
bg "$B" 1 "$L.rx" "$CB" rxdrop -i vB -m drv -L -Q 4 -U -W 1 -d "$DUR" -T 10
RP=$LAST
ready "$L.rx" "rxdrop if=" $RP
for q in 0 2; do
	bg "$A" 0 "$L.tx$q" "$CB" txonly -i vA -q $q -m none -P 64 -D "$BMAC" -B 256 -W 1 -d "$DUR" -t 2
done
wait $RP
grep -h '^queue' "$L.rx" | sed 's/udp_sports.*//; s/^/  /'
echo "  receiver: $(result "$L.rx")"
ip netns del "$A"; ip netns del "$B"

echo "== tpv3: txonly on vA -> AF_PACKET TPACKET_V3 on vB (libpcap's ring: 8 x 256 KiB, 10 ms)"
pair t 1 1500
bg "$B" 1 "$L.rx" "$CB" tpv3 -i vB -W 1 -d "$DUR" -T 10
RP=$LAST
ready "$L.rx" "tpv3 if=" $RP
ip netns exec "$A" taskset -c 0 "$CB" txonly -i vA -m none -P 64 -D "$BMAC" -B 256 -W 1 -d "$DUR" -t 2 >"$L.tx"
wait $RP
echo "  sender:   $(result "$L.tx")"
echo "  receiver: $(result "$L.rx")"
echo "smoke.sh: all modes ran"
