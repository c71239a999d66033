#!/usr/bin/env bash
# record.sh — record small captures of real scanners (and benign traffic) for
# portsnare's golden tests.
#
# Usage (as root):
#   testdata/record/record.sh                 # record every case
#   testdata/record/record.sh nmap-fin masscan  # record only these cases
#   testdata/record/record.sh --list          # list the cases
#   testdata/record/record.sh --cleanup       # only remove stale namespaces
#
# Environment:
#   OUT=DIR      where case directories go (default: the testdata/ dir above this script)
#   NSPREFIX=P   prefix of the network namespaces (default: psrec)
#   KEEP_LOGS=1  keep the scanner output / tcpdump logs (path printed at the end)
#
# Needs: root, iproute2, nftables (nft), ethtool, tcpdump, python3, openssl, curl,
# nmap, masscan, zmap, timeout (coreutils). On Debian:
#   apt-get install -y iproute2 nftables ethtool tcpdump python3 openssl curl nmap masscan zmap
# A full run takes about 8 minutes (nmap-ipproto alone about 5: Linux rate-limits the
# ICMP protocol-unreachables that nmap waits for).
#
# Test bed (built fresh for every case, torn down after it; addresses from the
# RFC 2544 benchmarking block 198.18.0.0/15 only, nothing is routed elsewhere):
#
#   psrec-scan  198.18.0.10  (scanner: nmap, masscan, zmap)      \
#   psrec-cli   198.18.0.11  (benign client: curl, python)        |-- br0 in psrec-rtr
#   psrec-dcoy  198.18.0.20, 198.18.0.21  (nmap -D decoys, live)  /   198.18.0.9/29
#                                                                       |  (router, forwarding)
#                                                                   198.18.0.1/29, 198.18.1.254/24
#                                                                       |
#   psrec-tgt   198.18.0.2  tcp 22 (ssh banner), 80 (http), 443 (tls), udp 53 (dns);
#                           tcp 25 DROPped by nftables (a "filtered" port), other ports closed
#               198.18.1.N  N odd in 1..59: live (30 hosts), tcp 443 (tls) open on all,
#                           tcp 80 open where N%4==1 (15 hosts), closed elsewhere;
#               198.18.1.N  N even: no host (the router answers ICMP host unreachable
#                           after its ARP attempts fail)
#
# Every capture is taken with tcpdump on br0 in the router namespace: the edge of
# the target network (where a sensor on a tap or SPAN port sits). Both directions
# are visible there: the probes, the target's replies (SYN-ACK, RST, ICMP errors),
# the router's ICMP host-unreachables for empty addresses, the scanner kernel's own
# RSTs, and ARP on the outside segment. Snap length 128, pcap format, Ethernet.
# Output: $OUT/<case>/input.pcap (replaced only when the case succeeded).
# IPv6 is disabled in every namespace so that no IPv6 noise enters the captures.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$(cd "$HERE/.." && pwd)}
P=${NSPREFIX:-psrec}
NS_R=$P-rtr NS_S=$P-scan NS_C=$P-cli NS_D=$P-dcoy NS_T=$P-tgt
ALL_NS=("$NS_S" "$NS_C" "$NS_D" "$NS_T" "$NS_R")

SCANNER=198.18.0.10
CLIENT=198.18.0.11
DECOYS=(198.18.0.20 198.18.0.21)
TARGET=198.18.0.2
SWEEP=198.18.1.1-60          # nmap syntax
SWEEP_CIDR=198.18.1.0/26     # zmap syntax (198.18.1.0-63)
# MAC addresses are fixed so that captures from different runs line up.
MAC_R_OUT=02:c6:12:00:00:09 MAC_R_IN=02:c6:12:00:00:01
MAC_S=02:c6:12:00:00:0a MAC_C=02:c6:12:00:00:0b MAC_D=02:c6:12:00:00:14 MAC_T=02:c6:12:00:00:02

LIVE=() HTTP_LIVE=()
for n in $(seq 1 2 59); do
  LIVE+=("198.18.1.$n")
  if (( n % 4 == 1 )); then HTTP_LIVE+=("198.18.1.$n"); fi
done

WORK=$(mktemp -d /tmp/psrec.XXXXXX)
chmod 755 "$WORK"
SVC_PID="" TCPDUMP_PID="" RUN_PID=""
FAILED=()
TAIL=2

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ---------------------------------------------------------------- cleanup
kill_pid() { # kill_pid PID: TERM, then KILL after 5 s; only our own children
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

teardown() {
  kill_pid "$RUN_PID"; RUN_PID=""
  kill_pid "$TCPDUMP_PID"; TCPDUMP_PID=""
  kill_pid "$SVC_PID"; SVC_PID=""
  local ns pid
  for ns in "${ALL_NS[@]}"; do
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF "$ns" || continue
    # anything still running inside our own namespaces (e.g. left by an aborted run)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

on_exit() {
  local rc=$?
  teardown
  if [[ ${KEEP_LOGS:-0} == 1 ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helper programs
write_helpers() {
  cat >"$WORK/svc.py" <<'PY'
# Target-side services for the test bed. Args: READYFILE CERT KEY SPEC...
# SPEC is tcp:ADDR:PORT:{http,ssh,tls} or udp:ADDR:PORT:dns
import asyncio, socket, ssl, struct, sys

ready, cert, key, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(cert, key)

async def http(r, w):
    try:
        await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 5)
        body = b"portsnare test bed\n"
        w.write(b"HTTP/1.1 200 OK\r\nServer: testbed\r\nContent-Type: text/plain\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        await w.drain()
    except Exception:
        pass
    finally:
        w.close()

async def ssh(r, w):
    try:
        w.write(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        await w.drain()
        await asyncio.wait_for(r.read(4096), 5)
    except Exception:
        pass
    finally:
        w.close()

async def tlsecho(r, w):
    try:
        data = await asyncio.wait_for(r.read(4096), 5)
        if data:
            w.write(b"pong\n")
            await w.drain()
    except Exception:
        pass
    finally:
        w.close()

class DNS(asyncio.DatagramProtocol):
    def connection_made(self, t):
        self.t = t
    def datagram_received(self, q, addr):
        if len(q) < 12:
            self.t.sendto(q, addr)  # not DNS: echo
            return
        qid, flags, qd = struct.unpack("!HHH", q[:6])
        rflags = 0x8000 | (flags & 0x7900) | 0x0080  # QR, keep opcode+RD, RA, rcode 0
        if qd == 1:
            end = 12
            while end < len(q) and q[end] != 0:
                end += 1 + q[end]
            question = q[12:end + 5]
            ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("198.18.0.2")
            resp = struct.pack("!HHHHHH", qid, rflags, 1, 1, 0, 0) + question + ans
        else:
            resp = struct.pack("!HHHHHH", qid, rflags, 0, 0, 0, 0)
        self.t.sendto(resp, addr)

async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda l, c: None)  # scanners abort handshakes; stay quiet
    servers = []
    for spec in specs:
        proto, addr, port, kind = spec.split(":")
        port = int(port)
        if proto == "udp":
            await loop.create_datagram_endpoint(DNS, local_addr=(addr, port))
            continue
        handler = {"http": http, "ssh": ssh, "tls": tlsecho}[kind]
        servers.append(await asyncio.start_server(
            handler, addr, port, backlog=128, reuse_address=True,
            ssl=tls if kind == "tls" else None, ssl_handshake_timeout=5 if kind == "tls" else None))
    with open(ready, "w") as f:
        f.write("%d\n" % len(specs))
    await asyncio.Event().wait()

asyncio.run(main())
PY

  cat >"$WORK/cli.py" <<'PY'
# Benign clients. Usage: cli.py dns SERVER COUNT | cli.py tls PORT HOST...
import random, socket, ssl, struct, sys, time

def dns(server, count):
    rnd = random.Random(2544)
    names = ["www", "mail", "api", "cdn", "intranet", "wiki", "git", "vpn", "ntp", "ldap"]
    ok = 0
    for i in range(count):
        name = "%s%d.corp.example" % (rnd.choice(names), i % 17)
        q = struct.pack("!HHHHHH", rnd.randrange(65536), 0x0100, 1, 0, 0, 0)
        q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
        q += struct.pack("!HH", 1, 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # new socket: new source port
        s.settimeout(2)
        try:
            s.sendto(q, (server, 53))
            r, _ = s.recvfrom(2048)
            ok += r[:2] == q[:2]
        except OSError:
            pass
        finally:
            s.close()
        time.sleep(0.02)
    print("dns: %d/%d answered" % (ok, count))
    return ok >= count * 0.95

def tlsfan(port, hosts):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ok = 0
    for h in hosts:
        try:
            with socket.create_connection((h, port), timeout=5) as raw:
                with ctx.wrap_socket(raw, server_hostname="testbed.example") as s:
                    s.sendall(b"ping\n")
                    ok += s.recv(64) == b"pong\n"
        except OSError as e:
            print("tls %s:%d: %s" % (h, port, e), file=sys.stderr)
        time.sleep(0.05)
    print("tls: %d/%d answered" % (ok, len(hosts)))
    return ok == len(hosts)

if sys.argv[1] == "dns":
    good = dns(sys.argv[2], int(sys.argv[3]))
else:
    good = tlsfan(int(sys.argv[2]), sys.argv[3:])
sys.exit(0 if good else 1)
PY

  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=testbed.example" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 ||
    die "openssl could not make a test certificate"
}

# ---------------------------------------------------------------- test bed
ns_new() { # ns_new NAME: a namespace with lo up and no IPv6
  ip netns add "$1"
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
  ip -n "$1" link set lo up
}

setup() {
  teardown
  local ns a
  for ns in "${ALL_NS[@]}"; do ns_new "$ns"; done

  # router: outside bridge br0 (the capture point) and the inside link to the target
  ip -n "$NS_R" link add br0 address $MAC_R_OUT type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$NS_R" link add r-tgt address $MAC_R_IN type veth peer name eth0 netns "$NS_T" address $MAC_T
  ip -n "$NS_R" link add b-scan type veth peer name eth0 netns "$NS_S" address $MAC_S
  ip -n "$NS_R" link add b-cli type veth peer name eth0 netns "$NS_C" address $MAC_C
  ip -n "$NS_R" link add b-dcoy type veth peer name eth0 netns "$NS_D" address $MAC_D
  for a in b-scan b-cli b-dcoy; do
    ip -n "$NS_R" link set "$a" master br0
    ip -n "$NS_R" link set "$a" up
  done
  in_ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
  ip -n "$NS_R" addr add 198.18.0.9/29 dev br0
  ip -n "$NS_R" addr add 198.18.0.1/29 dev r-tgt
  ip -n "$NS_R" addr add 198.18.1.254/24 dev r-tgt
  ip -n "$NS_R" link set br0 up
  ip -n "$NS_R" link set r-tgt up
  ip -n "$NS_R" route add 198.18.0.20/31 dev br0 # the decoys' host, on the outside segment

  # scanner and client: one address each on the outside segment, routes only to 198.18/15
  ip -n "$NS_S" addr add $SCANNER/29 dev eth0
  ip -n "$NS_C" addr add $CLIENT/29 dev eth0
  ip -n "$NS_D" addr add ${DECOYS[0]}/32 dev eth0
  ip -n "$NS_D" addr add ${DECOYS[1]}/32 dev eth0
  for ns in "$NS_S" "$NS_C" "$NS_D"; do
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add 198.18.0.9/32 dev eth0 2>/dev/null || true
    ip -n "$ns" route add 198.18.0.0/15 via 198.18.0.9 dev eth0
  done

  # target: 198.18.0.2 plus the live part of the sweep range
  ip -n "$NS_T" addr add $TARGET/29 dev eth0
  for a in "${LIVE[@]}"; do ip -n "$NS_T" addr add "$a/24" dev eth0; done
  ip -n "$NS_T" link set eth0 up
  ip -n "$NS_T" route add 198.18.0.0/15 via 198.18.0.1 dev eth0
  # No checksum offload: otherwise locally sent TCP/UDP packets are captured with
  # unfinished checksums (as on any host capturing its own traffic), which tools
  # such as Zeek drop. A tap sees finished checksums; so do these captures.
  for ns in "$NS_S" "$NS_C" "$NS_D" "$NS_T"; do in_ns "$ns" ethtool -K eth0 tx off >/dev/null; done
  for a in br0 r-tgt b-scan b-cli b-dcoy; do in_ns "$NS_R" ethtool -K "$a" tx off >/dev/null 2>&1 || true; done
  in_ns "$NS_T" nft -f - <<EOF
table inet testbed {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr $TARGET tcp dport 25 drop
  }
}
EOF

  local specs=("tcp:$TARGET:22:ssh" "tcp:$TARGET:80:http" "tcp:$TARGET:443:tls" "udp:$TARGET:53:dns")
  for a in "${LIVE[@]}"; do specs+=("tcp:$a:443:tls"); done
  for a in "${HTTP_LIVE[@]}"; do specs+=("tcp:$a:80:http"); done
  rm -f "$WORK/ready"
  in_ns "$NS_T" python3 "$WORK/svc.py" "$WORK/ready" "$WORK/cert.pem" "$WORK/key.pem" "${specs[@]}" \
    >>"$WORK/svc.log" 2>&1 &
  SVC_PID=$!
  local i
  for i in $(seq 100); do
    [[ -s $WORK/ready ]] && break
    kill -0 "$SVC_PID" 2>/dev/null || die "target services died: $(tail -5 "$WORK/svc.log")"
    sleep 0.1
  done
  [[ -s $WORK/ready ]] || die "target services not ready after 10 s"
  local want=$(( ${#specs[@]} - 1 )) have
  have=$(in_ns "$NS_T" ss -Hltn | wc -l)
  (( have >= want )) || die "only $have of $want TCP listeners are up"
  # the data path works end to end (outside capture, so no trace in the pcap)
  in_ns "$NS_C" curl -s -o /dev/null --max-time 5 "http://$TARGET/" || die "test bed: HTTP to $TARGET fails"
  # forget everything that check taught the router and the client
  ip -n "$NS_R" neigh flush all; ip -n "$NS_C" neigh flush all; ip -n "$NS_T" neigh flush all
}

# ---------------------------------------------------------------- capture
capture_start() { # capture_start FILE
  : >"$WORK/tcpdump.log"
  in_ns "$NS_R" tcpdump -i br0 -s 128 -n -U -Z root -w "$1" >"$WORK/tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!
  local i
  for i in $(seq 100); do
    grep -q "listening on" "$WORK/tcpdump.log" && return 0
    kill -0 "$TCPDUMP_PID" 2>/dev/null || break
    sleep 0.1
  done
  die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"
}

capture_stop() {
  sleep "$TAIL" # late replies (RSTs, ICMP errors) still belong to the case
  kill_pid "$TCPDUMP_PID"; TCPDUMP_PID=""
}

# run LIMIT NS CMD...: a scanner or client inside NS under a hard time limit
run() {
  local limit=$1 ns=$2; shift 2
  log "  [$ns] $*"
  # in the background + wait, so that a TERM/INT to this script is handled at once
  timeout --kill-after=5 "$limit" ip netns exec "$ns" "$@" >>"$WORK/$CASE.log" 2>&1 &
  RUN_PID=$!
  local rc=0
  wait "$RUN_PID" || rc=$?
  RUN_PID=""
  return $rc
}

# ---------------------------------------------------------------- cases
# Each case_<name> runs its traffic; the runner builds the bed and captures around it.
NMAP=(nmap -n --reason)   # -n: never send reverse-DNS queries out of the test bed
case_nmap-syn-random()     { run 120 "$NS_S" "${NMAP[@]}" -sS -Pn -p 1-300 $TARGET; }
case_nmap-syn-sequential() { run 120 "$NS_S" "${NMAP[@]}" -sS -r -Pn -p 1-300 $TARGET; }
case_nmap-connect()        { run 120 "$NS_S" "${NMAP[@]}" -sT -Pn -p 1-300 $TARGET; }
case_nmap-fin()            { run 120 "$NS_S" "${NMAP[@]}" -sF -Pn -p 1-300 $TARGET; }
case_nmap-null()           { run 120 "$NS_S" "${NMAP[@]}" -sN -Pn -p 1-300 $TARGET; }
case_nmap-xmas()           { run 120 "$NS_S" "${NMAP[@]}" -sX -Pn -p 1-300 $TARGET; }
case_nmap-ack()            { run 120 "$NS_S" "${NMAP[@]}" -sA -Pn -p 1-300 $TARGET; }
case_nmap-maimon()         { run 120 "$NS_S" "${NMAP[@]}" -sM -Pn -p 1-300 $TARGET; }
case_nmap-window()         { run 120 "$NS_S" "${NMAP[@]}" -sW -Pn -p 1-300 $TARGET; }
case_nmap-udp()            { run 300 "$NS_S" "${NMAP[@]}" -sU -Pn --top-ports 50 $TARGET; }
case_nmap-ipproto()        { run 600 "$NS_S" "${NMAP[@]}" -sO -Pn $TARGET; }
# sweeps: the router gives up ARP for an empty address after 3 s, then sends ICMP host
# unreachable (rate-limited); keep capturing long enough to see those.
case_nmap-pingsweep()      { TAIL=4; run 120 "$NS_S" "${NMAP[@]}" -sn -PE $SWEEP; }
case_nmap-sweep()          { TAIL=4; run 120 "$NS_S" "${NMAP[@]}" -sS -p 80 $SWEEP; }
case_nmap-decoy()          { run 120 "$NS_S" "${NMAP[@]}" -sS -Pn -D "${DECOYS[0]},${DECOYS[1]},ME" -p 1-40 $TARGET; }
case_nmap-slow()           { run 120 "$NS_S" "${NMAP[@]}" -sS -Pn --scan-delay 2s -p 20-30 $TARGET; }

case_zmap-sweep() {
  TAIL=4
  : >"$WORK/empty-blocklist"
  run 60 "$NS_S" zmap -p 80 -i eth0 -S $SCANNER -G $MAC_R_OUT -b "$WORK/empty-blocklist" \
    -r 100 -c 4 --disable-syslog -o "$WORK/zmap.out" $SWEEP_CIDR
}

case_masscan() {
  # masscan may keep running after its --wait: the time limit ends it, which is fine.
  local rc=0
  run 45 "$NS_S" masscan -p1-500 $TARGET --rate 2000 -e eth0 --adapter-ip $SCANNER \
    --adapter-mac $MAC_S --router-mac $MAC_R_OUT --wait 3 || rc=$?
  (( rc == 0 || rc == 124 || rc == 137 )) || return $rc
}

case_benign-service() {
  # 150 separate HTTP connections from one client to one service, all succeed
  # (10 packets each; 200 would make the capture ~190 kB)
  run 120 "$NS_C" bash -c 'fail=0; for i in $(seq 150); do
      curl -s -o /dev/null --max-time 5 "http://$1/" || fail=$((fail+1)); sleep 0.01; done
    echo "curl failures: $fail"; [ "$fail" -eq 0 ]' _ $TARGET
}

case_benign-dns() { run 60 "$NS_C" python3 "$WORK/cli.py" dns $TARGET 100; }
case_benign-fanout() { run 60 "$NS_C" python3 "$WORK/cli.py" tls 443 "${LIVE[@]}"; }

CASES=(nmap-syn-random nmap-syn-sequential nmap-connect nmap-fin nmap-null nmap-xmas nmap-ack
  nmap-maimon nmap-window nmap-udp nmap-ipproto nmap-pingsweep nmap-sweep zmap-sweep masscan
  nmap-decoy nmap-slow benign-service benign-dns benign-fanout)

record_case() {
  CASE=$1
  local tmp="$WORK/$CASE.pcap" rc=0
  log "case $CASE"
  TAIL=2 # seconds to keep capturing after the case; sweeps raise it
  setup
  capture_start "$tmp"
  "case_$CASE" || rc=$?
  capture_stop
  teardown
  if (( rc != 0 )); then
    log "  FAILED (exit $rc); last output:"; tail -5 "$WORK/$CASE.log" >&2 || true
    FAILED+=("$CASE"); return 0
  fi
  # the traffic must be visible in both directions: from the scanner/client and back
  local pkts size sent got src=$SCANNER
  [[ $CASE == benign-* ]] && src=$CLIENT
  pkts=$(tcpdump -r "$tmp" -n 2>/dev/null | wc -l)
  sent=$(tcpdump -r "$tmp" -n "ip src $src" 2>/dev/null | wc -l)
  got=$(tcpdump -r "$tmp" -n "ip dst $src" 2>/dev/null | wc -l)
  size=$(stat -c %s "$tmp")
  if (( sent < 10 || got < 10 )); then
    log "  FAILED: capture has $sent packets from $src and $got to it"
    FAILED+=("$CASE"); return 0
  fi
  mkdir -p "$OUT/$CASE"
  install -m 0644 "$tmp" "$OUT/$CASE/input.pcap"
  (( size <= 150000 )) || log "  warning: $CASE/input.pcap is $size bytes (> 150 kB)"
  log "  ok: $pkts packets ($sent from $src, $got to it), $size bytes -> $OUT/$CASE/input.pcap"
}

# ---------------------------------------------------------------- main
main() {
  local c want=()
  case ${1:-} in
    --list) printf '%s\n' "${CASES[@]}"; return 0 ;;
    --cleanup) (( EUID == 0 )) || die "needs root"; teardown; return 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
  esac
  (( EUID == 0 )) || die "needs root (network namespaces, raw sockets)"
  for c in ip nft ethtool tcpdump python3 openssl curl nmap masscan zmap timeout ss; do
    command -v "$c" >/dev/null || die "missing $c (see the header of $0 for the packages)"
  done
  if (( $# )); then
    for c in "$@"; do
      declare -F "case_$c" >/dev/null || die "unknown case $c (try --list)"
      want+=("$c")
    done
  else
    want=("${CASES[@]}")
  fi
  write_helpers
  for c in "${want[@]}"; do record_case "$c"; done
  if (( ${#FAILED[@]} )); then
    log "failed cases: ${FAILED[*]}"
    KEEP_LOGS=1
    return 1
  fi
  log "all ${#want[@]} cases recorded under $OUT"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
