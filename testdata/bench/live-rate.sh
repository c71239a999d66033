#!/usr/bin/env bash
# Measures what `portsnare run` costs per packet beside tcpdump, and the
# highest probe rate it takes without kernel drops.
#
#   sudo testdata/bench/live-rate.sh [RATE...]     (default: 50000 100000 200000 300000 400000)
#
# A scanner namespace is joined to this host by a veth pair (198.18.200.0/24);
# the sensor captures on the host end, and so does tcpdump -w /dev/null with
# the same filter the sensor puts in the kernel (FILTER below), on the same
# traffic at the same time. For each rate, masscan sends SYNs to every port
# of 198.18.200.0/24 for 8 seconds (the host answers those to its own
# address .1 with RSTs); the script then reads the sensor's metrics (packets,
# kernel drops), tcpdump's count of packets captured, and both processes' CPU
# time over that window: CPU % of one core, CPU milliseconds per million
# packets, and the ratio of the two costs per packet (portsnare / tcpdump).
#
# SOCKETS=N sets capture.sockets (default: the sensor's own, one per CPU up to
# 4); TCPDUMP=0 leaves tcpdump out; BIN names the binary.
#
# FLOOR=1 also runs, on the same traffic at the same time, the sensor built
# with -tags benchfloor (FLOORBIN names it; built if absent): it captures and
# decodes every packet and hands the batches over as always, but its engine
# throws them away. Its cost per packet, against tcpdump's, is the floor under
# the ratio that no change to the engine can go below (two more columns).
# Needs root, iproute2, masscan, tcpdump, curl and a built binary
# (go build ./cmd/portsnare).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-./portsnare}
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/portsnare
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(50000 100000 200000 300000 400000)
NS=psbench$$
HOSTIF=psbh$$
METRICS=127.0.0.1:19499
SECONDS_PER_RATE=8
TCPDUMP=${TCPDUMP:-1}
FLOOR=${FLOOR:-0}
FLOORBIN=${FLOORBIN:-./portsnare-floor}
FLOORMETRICS=127.0.0.1:19497
STATE=$(mktemp -d)
# The sensor's kernel filter (sensor/live_filter.go) as a pcap-filter
# expression: data segments of IPv4 TCP connections are dropped, the rest kept.
FILTER='not ip or ip[6:2] & 0x3fff != 0 or not tcp or tcp[13] & 7 != 0 or tcp[13] & 0x10 = 0 or ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) = 0'

cleanup() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	[ -n "${TCPD:-}" ] && kill -TERM "$TCPD" 2>/dev/null && wait "$TCPD" 2>/dev/null || true
	[ -n "${SENSOR:-}" ] && kill -TERM "$SENSOR" 2>/dev/null && wait "$SENSOR" 2>/dev/null || true
	[ -n "${FLOORS:-}" ] && kill -TERM "$FLOORS" 2>/dev/null && wait "$FLOORS" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	ip link del "$HOSTIF" 2>/dev/null || true
	rm -rf "$STATE"
}
trap cleanup EXIT

ip netns add "$NS"
ip link add "$HOSTIF" type veth peer name eth0 netns "$NS"
ip addr add 198.18.200.1/24 dev "$HOSTIF"
ip link set "$HOSTIF" up
ip -n "$NS" addr add 198.18.200.2/24 dev eth0
ip -n "$NS" link set eth0 up
HOSTMAC=$(cat /sys/class/net/$HOSTIF/address)

# Its own state directory, so that the embedded NATS server and the spool
# start empty and leave nothing behind.
env ${SOCKETS:+PORTSNARE_CAPTURE_SOCKETS=$SOCKETS} PORTSNARE_NATS_DATA_DIR="$STATE/nats" PORTSNARE_NATS_SPOOL_DIR="$STATE/spool" \
	PORTSNARE_NATS_LISTEN=127.0.0.1:19422 \
	"$BIN" run -i "$HOSTIF" --metrics-listen "$METRICS" --log-level warn >/dev/null &
SENSOR=$!
if [ "$FLOOR" = 1 ]; then
	[ -x "$FLOORBIN" ] || go build -tags benchfloor -o "$FLOORBIN" ./cmd/portsnare
	env ${SOCKETS:+PORTSNARE_CAPTURE_SOCKETS=$SOCKETS} PORTSNARE_NATS_DATA_DIR="$STATE/floor-nats" \
		PORTSNARE_NATS_SPOOL_DIR="$STATE/floor-spool" PORTSNARE_NATS_LISTEN=127.0.0.1:19421 \
		"$FLOORBIN" run -i "$HOSTIF" --metrics-listen "$FLOORMETRICS" --log-level error >/dev/null &
	FLOORS=$!
fi
sleep 1

metric() { curl -s "http://${2:-$METRICS}/metrics" | awk -v m="$1" '$1==m {print $2}'; }
cputicks() { awk '{print $14+$15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

printf '%-10s %-12s %-8s %-9s %-12s %-9s %-12s %-8s %-7s %-5s' "probes/s" "packets/s" "drops" "CPU %" "ms/Mpkt" \
	"tcpdump%" "tcpd ms/Mpkt" "ratio" "RSS MB" "cores"
[ "$FLOOR" = 1 ] && printf ' %-13s %-11s' "floor ms/Mpkt" "floor ratio"
printf '\n'
for rate in "${RATES[@]}"; do
	tp=0 tc0=0 tc1=0 fp0=0 fp1=0 fc0=0 fc1=0
	if [ "$TCPDUMP" = 1 ]; then
		tcpdump -i "$HOSTIF" -n -q -w /dev/null "$FILTER" 2>"$STATE/tcpdump.err" &
		TCPD=$!
		sleep 1 # tcpdump opens its ring and attaches its filter
		tc0=$(cputicks "$TCPD")
	fi
	p0=$(metric portsnare_capture_packets_total); d0=$(metric portsnare_capture_kernel_drops_total)
	if [ "$FLOOR" = 1 ]; then
		fp0=$(metric portsnare_capture_packets_total "$FLOORMETRICS"); fc0=$(cputicks "$FLOORS")
	fi
	c0=$(cputicks "$SENSOR"); t0=$(date +%s.%N)
	# masscan may hang when asked to stop: everything in the namespace is
	# killed outright at the end of the window.
	ip netns exec "$NS" masscan -p1-65535 198.18.200.0/24 \
		--rate "$rate" -e eth0 --adapter-ip 198.18.200.2 --router-mac "$HOSTMAC" \
		--wait 0 --seed 1 >/dev/null 2>&1 &
	MS=$!
	sleep "$SECONDS_PER_RATE"
	ip netns pids "$NS" | xargs -r kill -9; wait $MS 2>/dev/null || true
	c1=$(cputicks "$SENSOR"); t1=$(date +%s.%N)
	[ "$TCPDUMP" = 1 ] && tc1=$(cputicks "$TCPD")
	[ "$FLOOR" = 1 ] && fc1=$(cputicks "$FLOORS")
	sleep 1.5 # the sensor publishes its counters each second
	p1=$(metric portsnare_capture_packets_total); d1=$(metric portsnare_capture_kernel_drops_total)
	[ "$FLOOR" = 1 ] && fp1=$(metric portsnare_capture_packets_total "$FLOORMETRICS")
	if [ "$TCPDUMP" = 1 ]; then
		kill -INT "$TCPD"; wait "$TCPD" 2>/dev/null || true; TCPD=
		tp=$(awk '/packets captured/ {print $1}' "$STATE/tcpdump.err")
	fi
	rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SENSOR/status")
	awk -v r="$rate" -v p0="$p0" -v p1="$p1" -v d0="$d0" -v d1="$d1" -v c0="$c0" -v c1="$c1" \
		-v tc0="$tc0" -v tc1="$tc1" -v tp="${tp:-0}" -v floor="$FLOOR" -v fp0="$fp0" -v fp1="$fp1" -v fc0="$fc0" -v fc1="$fc1" \
		-v t0="$t0" -v t1="$t1" -v hz="$hz" -v rss="$rss" -v n="$(nproc)" 'BEGIN {
		dt = t1 - t0; p = p1 - p0
		cpu = (c1-c0)/hz; tcpu = (tc1-tc0)/hz
		per = p > 0 ? 1000*cpu/(p/1e6) : 0; tper = tp > 0 ? 1000*tcpu/(tp/1e6) : 0
		ratio = "-"; if (tper > 0) ratio = sprintf("%.1f", per/tper)
		printf "%-10d %-12.0f %-8d %-9.1f %-12.0f %-9.1f %-12.0f %-8s %-7s %-5s", r, p/dt, d1-d0, 100*cpu/dt, per,
			100*tcpu/dt, tper, ratio, rss, n
		if (floor == 1) {
			fp = fp1 - fp0; fper = fp > 0 ? 1000*((fc1-fc0)/hz)/(fp/1e6) : 0
			fratio = "-"; if (tper > 0) fratio = sprintf("%.1f", fper/tper)
			printf " %-13.0f %-11s", fper, fratio
		}
		printf "\n" }'
done
