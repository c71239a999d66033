#!/usr/bin/env bash
# Measures the highest probe rate `portsnare run` takes without kernel drops.
#
#   sudo testdata/bench/live-rate.sh [RATE...]     (default: 50000 100000 200000 300000 400000)
#
# A scanner namespace is joined to this host by a veth pair (198.18.200.0/24);
# the sensor captures on the host end. For each rate, masscan sends SYNs to
# every port of 198.18.200.0/24 for 8 seconds (the host answers those to its
# own address .1 with RSTs); the script then reads the sensor's metrics
# (packets, kernel drops) and its CPU time and resident memory over that
# window.
# Needs root, iproute2, masscan, curl and a built binary (go build ./cmd/portsnare).
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

cleanup() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	[ -n "${SENSOR:-}" ] && kill -TERM "$SENSOR" 2>/dev/null && wait "$SENSOR" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	ip link del "$HOSTIF" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$NS"
ip link add "$HOSTIF" type veth peer name eth0 netns "$NS"
ip addr add 198.18.200.1/24 dev "$HOSTIF"
ip link set "$HOSTIF" up
ip -n "$NS" addr add 198.18.200.2/24 dev eth0
ip -n "$NS" link set eth0 up
HOSTMAC=$(cat /sys/class/net/$HOSTIF/address)

"$BIN" run -i "$HOSTIF" --metrics-listen "$METRICS" --log-level warn >/dev/null &
SENSOR=$!
sleep 1

metric() { curl -s "http://$METRICS/metrics" | awk -v m="$1" '$1==m {print $2}'; }
cputicks() { awk '{print $14+$15}' "/proc/$SENSOR/stat"; }
hz=$(getconf CLK_TCK)

printf '%-12s %-14s %-14s %-10s %-8s %-8s\n' "probes/s" "packets/s seen" "kernel drops" "CPU %" "RSS MB" "cores"
for rate in "${RATES[@]}"; do
	p0=$(metric portsnare_capture_packets_total); d0=$(metric portsnare_capture_kernel_drops_total)
	c0=$(cputicks); t0=$(date +%s.%N)
	# masscan may hang when asked to stop: everything in the namespace is
	# killed outright at the end of the window.
	ip netns exec "$NS" masscan -p1-65535 198.18.200.0/24 \
		--rate "$rate" -e eth0 --adapter-ip 198.18.200.2 --router-mac "$HOSTMAC" \
		--wait 0 --seed 1 >/dev/null 2>&1 &
	MS=$!
	sleep "$SECONDS_PER_RATE"
	ip netns pids "$NS" | xargs -r kill -9; wait $MS 2>/dev/null || true
	c1=$(cputicks); t1=$(date +%s.%N)
	sleep 1.5 # the sensor publishes its counters each second
	p1=$(metric portsnare_capture_packets_total); d1=$(metric portsnare_capture_kernel_drops_total)
	rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SENSOR/status")
	awk -v r="$rate" -v p0="$p0" -v p1="$p1" -v d0="$d0" -v d1="$d1" -v c0="$c0" -v c1="$c1" \
		-v t0="$t0" -v t1="$t1" -v hz="$hz" -v rss="$rss" -v n="$(nproc)" 'BEGIN {
		dt = t1 - t0; printf "%-12d %-14.0f %-14d %-10.0f %-8s %-8s\n", r, (p1-p0)/dt, d1-d0, 100*(c1-c0)/hz/dt, rss, n }'
done
