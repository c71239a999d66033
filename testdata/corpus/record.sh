#!/usr/bin/env bash
# record.sh — record the labelled corpus: small captures of real scanners and of
# ordinary traffic on a flat LAN, one case at a time, in network namespaces.
#
# Usage (as root):
#   testdata/corpus/record.sh                     # record every case
#   testdata/corpus/record.sh p2p-udp nmap-os     # record only these cases
#   testdata/corpus/record.sh --list              # list the cases and the files they write
#   testdata/corpus/record.sh --cleanup           # only remove stale namespaces
#
# Environment:
#   OUT=DIR      where the captures go (default: recorded/ beside this script)
#   NSPREFIX=P   prefix of the network namespaces (default: pscorp)
#   KEEP_LOGS=1  keep tool output and tcpdump logs (the path is printed at the end)
#
# Needs: root, iproute2, nftables, ethtool, tcpdump, python3, openssl, curl, nmap,
# masscan, zmap, hping3, arping, iputils-ping, traceroute, mtr, timeout (coreutils).
# On Debian:
#   apt-get install -y iproute2 nftables ethtool tcpdump python3 openssl curl nmap \
#     masscan zmap hping3 arping iputils-ping traceroute mtr-tiny
# A full run takes about 11 minutes.
#
# The test bed (built fresh for every case, torn down after it) is one flat LAN: a
# bridge br0 in the namespace $P-lan, the capture point (tcpdump -s 128 on br0, pcap,
# Ethernet: every frame between the LAN's hosts, ARP and NDP included). Every LAN host
# is a namespace of its own ($P-nN) with its own kernel stack, one veth port on the
# bridge and a fixed MAC 02:c6:12:00:00:NN (NN = N in hex):
#
#   N=1    198.18.0.1    2001:db8:0:1::1      gateway; routes to the "far" networks
#                                              198.18.2.0/24, 2001:db8:0:2::/64 ($P-far,
#                                              behind it, not on the captured LAN)
#   N=2    198.18.0.2    2001:db8:0:1::2      server: tcp 22 (ssh banner), 80 (http),
#                                              443 (tls), 5222 (echo), udp 53 (dns) as
#                                              the case needs; other ports closed
#   N=10   198.18.0.10   2001:db8:0:1::10     scanner (nmap, masscan, zmap, hping3)
#   N=11   198.18.0.11   2001:db8:0:1::11     benign client
#   N=21..29  198.18.0.21-29                  distributed scanners
#   N=31..70  198.18.0.31-70                  clients of the server (dns, refused)
#   N=101..180 198.18.0.101-180               LAN hosts and peers (IPv6 cases:
#              2001:db8:0:1::1:I, I = N-100 in hex)
#
# Only the namespaces a case needs are created; absent addresses have no namespace
# (nobody answers ARP/NDP for them). IPv6 is disabled in every namespace except in the
# IPv6 cases, so that no IPv6 noise enters IPv4 captures; IPv6 addresses are added
# without DAD, before the capture starts. Checksum offload is off, so the captures
# carry finished checksums, as a tap would see. Addresses: 198.18.0.0/15 (RFC 2544)
# and 2001:db8::/32 (documentation) plus link-local only.
#
# Output: $OUT/<file>.pcap, replaced only when its case succeeded; each case checks
# its own capture (e.g. that the client really got its answers) before installing it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$HERE/recorded}
P=${NSPREFIX:-pscorp}
LAN=$P-lan FAR=$P-far

GW4=198.18.0.1 SRV4=198.18.0.2 SCAN4=198.18.0.10 CLI4=198.18.0.11
GW6=2001:db8:0:1::1 SRV6=2001:db8:0:1::2 SCAN6=2001:db8:0:1::10 CLI6=2001:db8:0:1::11
MAC_BR=02:c6:12:ff:ff:fe
MAC_SCAN=02:c6:12:00:00:0a MAC_GW=02:c6:12:00:00:01

WORK=$(mktemp -d /tmp/pscorp.XXXXXX)
chmod 755 "$WORK"
TCPDUMP_PID="" FARM_PID="" RUN_PID="" BG_PIDS=()
FAILED=() V6=0 TAIL=2 CASE="" NODES=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ns_of() { echo "$P-n$1"; }                                   # ns_of N
mac_of() { printf '02:c6:12:00:00:%02x' "$1"; }                # mac_of N
host4() { echo "198.18.0.$((100 + $1))"; }                      # host4 I (I = 1..80)
host6() { printf '2001:db8:0:1::1:%x' "$1"; }                   # host6 I
far4() { echo "198.18.2.$1"; }
far6() { printf '2001:db8:0:2::1:%x' "$1"; }

# ---------------------------------------------------------------- cleanup
kill_pid() { # kill_pid PID: TERM, then KILL after 5 s; only our own children
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-(lan|far|n[0-9]+)\$" || true; }

teardown() {
  local pid ns
  kill_pid "$RUN_PID"; RUN_PID=""
  for pid in "${BG_PIDS[@]}"; do kill_pid "$pid"; done
  BG_PIDS=()
  kill_pid "$TCPDUMP_PID"; TCPDUMP_PID=""
  kill_pid "$FARM_PID"; FARM_PID=""
  for ns in $(our_namespaces); do
    # anything still running inside our own namespaces (e.g. left by an aborted run)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  NODES=()
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
  # ---- services, in as many namespaces as a case needs, from one process
  cat >"$WORK/farm.py" <<'PY'
# farm.py READYFILE CERT KEY SPEC...   SPEC = NS/PROTO/PORT/KIND
#   tcp kinds: http, tls, ssh, echo (keeps the connection), p2p (hello/hello)
#   udp kinds: dns, p2p (answers each datagram)
# Each socket is opened inside its namespace (setns), then one asyncio loop serves all.
import asyncio, ctypes, os, socket, ssl, struct, sys

libc = ctypes.CDLL("libc.so.6", use_errno=True)
def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)

ready, cert, key, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
tlsctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tlsctx.load_cert_chain(cert, key)

def listen(proto, port):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    try:
        s = socket.socket(socket.AF_INET6, kind)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        addr = ("::", port)
    except OSError:                       # IPv6 disabled in this namespace
        s = socket.socket(socket.AF_INET, kind)
        addr = ("0.0.0.0", port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    if proto == "tcp":
        s.listen(128)
    s.setblocking(False)
    return s

async def http(r, w):
    try:
        await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 5)
        w.write(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
        await w.drain()
    except Exception:
        pass
    w.close()

async def ssh(r, w):
    w.write(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    try:
        await w.drain(); await asyncio.wait_for(r.read(256), 5)
    except Exception:
        pass
    w.close()

async def line(r, w):          # tls and p2p: answer each line, until the client closes
    try:
        while True:
            l = await asyncio.wait_for(r.readline(), 30)
            if not l:
                break
            w.write(b"pong\n" if l == b"ping\n" else b"hello " + l)
            await w.drain()
    except Exception:
        pass
    w.close()

async def echo(r, w):
    try:
        while True:
            l = await r.readline()
            if not l:
                break
            w.write(l); await w.drain()
    except Exception:
        pass
    w.close()

class Dns(asyncio.DatagramProtocol):
    def connection_made(self, t): self.t = t
    def datagram_received(self, q, a):
        if len(q) < 12:
            return
        end = q.find(b"\x00", 12) + 5
        hdr = q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x01\x00\x00\x00\x00"
        ans = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04" + bytes([198, 18, 0, 2])
        self.t.sendto(hdr + q[12:end] + ans, a)

class P2p(asyncio.DatagramProtocol):
    def connection_made(self, t): self.t = t
    def datagram_received(self, d, a):
        self.t.sendto(b"d1:rd2:id20:" + os.urandom(10).hex().encode() + b"e1:t2:" + d[-2:] + b"1:y1:re", a)

async def main():
    loop = asyncio.get_running_loop()
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    for spec in specs:
        ns, proto, port, kind = spec.split("/")
        enter(ns)
        s = listen(proto, int(port))
        if proto == "tcp":
            cb = {"http": http, "ssh": ssh, "tls": line, "p2p": line, "echo": echo}[kind]
            await asyncio.start_server(cb, sock=s, ssl=tlsctx if kind == "tls" else None, backlog=128)
        else:
            await loop.create_datagram_endpoint({"dns": Dns, "p2p": P2p}[kind], sock=s)
    libc.setns(home, 0x40000000)
    open(ready, "w").write("%d\n" % len(specs))
    await asyncio.Event().wait()

asyncio.run(main())
PY

  # ---- clients and scanners that are not a packaged tool
  cat >"$WORK/drv.py" <<'PY'
# drv.py MODE ARGS...: clients for the benign cases, and a connect() scanner with a
# Windows-like TCP stack. Prints a one-line summary; exits 1 when the traffic did not
# flow as the case needs (positive control).
import concurrent.futures, ctypes, os, random, select, socket, ssl, struct, subprocess, sys, time

libc = ctypes.CDLL("libc.so.6", use_errno=True)
def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)

def fan(kind, port, hosts):
    # one connection to each host in turn: TLS ping/pong or an HTTP GET
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    ok = 0
    for h in hosts:
        try:
            with socket.create_connection((h, port), timeout=5) as raw:
                if kind == "tls":
                    with ctx.wrap_socket(raw, server_hostname="lan.example") as s:
                        s.sendall(b"ping\n"); ok += s.recv(64) == b"pong\n"
                else:
                    raw.sendall(b"GET / HTTP/1.0\r\nHost: lan.example\r\n\r\n")
                    ok += raw.recv(256).startswith(b"HTTP/1.0 200")
        except OSError as e:
            print("%s %s:%d: %s" % (kind, h, port, e), file=sys.stderr)
        time.sleep(0.03)
    print("%s: %d/%d answered" % (kind, ok, len(hosts)))
    return ok == len(hosts)

def udpp2p(want, peers):
    # one UDP socket (one source port), a DHT-like ping to each peer on its own port;
    # peers still silent after 2 s are asked once more
    rnd = random.Random(2544); rnd.shuffle(peers)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 51413))
    s.setblocking(False)
    got = set()
    def drain(t):
        end = time.time() + t
        while time.time() < end:
            if select.select([s], [], [], max(0, end - time.time()))[0]:
                try:
                    _, a = s.recvfrom(2048); got.add(a)
                except OSError:
                    pass           # ICMP port unreachable surfaces as ECONNREFUSED
    for tid, p in enumerate(peers):
        h, port = p.rsplit(":", 1)
        q = b"d1:ad2:id20:" + os.urandom(10).hex().encode() + b"e1:q4:ping1:t2:" + struct.pack("!H", tid) + b"1:y1:qe"
        try: s.sendto(q, (h, int(port)))
        except OSError: pass
        drain(0.03)
    drain(2)
    for tid, p in enumerate(peers):
        h, port = p.rsplit(":", 1)
        if (h, int(port)) not in got:
            try: s.sendto(b"d1:ad2:id20:" + b"0" * 20 + b"e1:q4:ping1:t2:" + struct.pack("!H", tid) + b"1:y1:qe", (h, int(port)))
            except OSError: pass
            drain(0.03)
    drain(2)
    print("udp p2p: %d/%d peers answered (want %d)" % (len(got), len(peers), want))
    return len(got) == want

def tcpp2p(want, peers):
    # a TCP P2P client: 6 connection attempts at a time, 3 s connect timeout
    rnd = random.Random(2544); rnd.shuffle(peers)
    def one(p):
        h, port = p.rsplit(":", 1)
        try:
            with socket.create_connection((h, int(port)), timeout=3) as s:
                s.sendall(b"BT-like handshake\n")
                return "ok" if s.recv(64).startswith(b"hello") else "bad"
        except ConnectionRefusedError:
            return "refused"
        except OSError:
            return "silent"
    res = []
    with concurrent.futures.ThreadPoolExecutor(6) as ex:
        futs = []
        for p in peers:
            futs.append(ex.submit(one, p)); time.sleep(0.05)
        res = [f.result() for f in futs]
    n = {k: res.count(k) for k in ("ok", "refused", "silent", "bad")}
    print("tcp p2p: %s (want ok=%d)" % (n, want))
    return n["ok"] == want

def dns(server, count, nss):
    # COUNT queries from each client namespace, round robin, each from a new socket
    rnd = random.Random(2544)
    names = ["www", "mail", "api", "cdn", "intranet", "wiki", "git", "vpn", "ntp", "ldap"]
    ok = sent = 0
    for i in range(count):
        for ns in nss:
            enter(ns)
            name = "%s%d.corp.example" % (rnd.choice(names), i % 17)
            q = struct.pack("!HHHHHH", rnd.randrange(65536), 0x0100, 1, 0, 0, 0)
            q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00\x00\x01\x00\x01"
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
            try:
                s.sendto(q, (server, 53)); sent += 1
                ok += s.recvfrom(2048)[0][:2] == q[:2]
            except OSError:
                pass
            finally:
                s.close()
            time.sleep(0.01)
    print("dns: %d/%d answered" % (ok, sent))
    return ok == sent

def refused(server, port, rounds, nss):
    # every client retries a service that is down: connect() refused, ROUNDS times
    n = 0
    for r in range(rounds):
        for ns in nss:
            enter(ns)
            s = socket.socket(); s.settimeout(2)
            try:
                s.connect((server, port))
            except ConnectionRefusedError:
                n += 1
            except OSError:
                pass
            finally:
                s.close()
            time.sleep(0.02)
        time.sleep(1)
    print("refused: %d/%d attempts refused" % (n, rounds * len(nss)))
    return n == rounds * len(nss)

def challenge(server, port, sports):
    # RFC 5961: the client loses its connection state (its RST is dropped by nftables),
    # then reconnects from the same source port while the server still holds the old
    # connection. The server answers the new SYN with a bare (challenge) ACK; the
    # client's RST to it clears the old connection; the SYN retransmission succeeds.
    nft = lambda *a: subprocess.run(["nft"] + list(a), check=True)
    ok = 0
    for sp in sports:
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sp)); s.settimeout(5); s.connect((server, port))
        s.sendall(b"hello %d\n" % sp); s.recv(64)
        time.sleep(0.2)
        nft("add", "element", "inet", "pscorp", "closing", "{ %d }" % sp)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()                                   # RST, dropped on its way out
        time.sleep(0.1)
        nft("delete", "element", "inet", "pscorp", "closing", "{ %d }" % sp)
        time.sleep(0.4)
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sp)); s.settimeout(8)
        try:
            s.connect((server, port))
            s.sendall(b"again %d\n" % sp); ok += s.recv(64) == b"again %d\n" % sp
        except OSError as e:
            print("reconnect from %d: %s" % (sp, e), file=sys.stderr)
        s.close()
        time.sleep(0.3)
    print("challenge: %d/%d reconnects succeeded" % (ok, len(sports)))
    return ok == len(sports)

# ---- a connect() client on a Windows-like stack, emulated with raw sockets: Windows
# re-sends the identical SYN (same source port, same ISN) twice after an RST, ~0.5 s
# apart, before connect() fails; SYN: TTL 128, DF, window 64240, options MSS 1460,
# NOP, WS 8, NOP, NOP, SACK-permitted; IP id counts up per packet.
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

class Win:
    def __init__(self, src, dst):
        self.src, self.dst = socket.inet_aton(src), socket.inet_aton(dst)
        self.dsts = dst
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        self.rx.setblocking(False)
        self.ipid = 0x3a10
        self.sport = 50112
    def syn(self, sport, dport, seq):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 8 << 4, 0x02, 64240, 0, 0)
        tcp += bytes.fromhex("020405b4010303080101 0402".replace(" ", ""))
        ck = csum(self.src + self.dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
        tcp = tcp[:16] + struct.pack("!H", ck) + tcp[18:]
        self.ipid = (self.ipid + 1) & 0xffff
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), self.ipid, 0x4000, 128, 6, 0, self.src, self.dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        self.tx.sendto(ip + tcp, (self.dsts, 0))
    def replies(self, t):
        # {sport: flags} of TCP segments from the target within t seconds
        out, end = {}, time.time() + t
        while time.time() < end:
            if not select.select([self.rx], [], [], max(0, end - time.time()))[0]:
                continue
            while True:
                try: pkt = self.rx.recv(2048)
                except BlockingIOError: break
                ihl = (pkt[0] & 15) * 4
                if pkt[12:16] != self.dst or pkt[9] != 6: continue
                sp, dp = struct.unpack("!HH", pkt[ihl:ihl + 4])
                out[dp] = pkt[ihl + 13]
        return out
    def connect_batch(self, ports, wait=0.5, tries=3):
        # one connect() per port, a batch at a time; returns {port: outcome}
        conns = {}
        for p in ports:
            self.sport += 1
            conns[self.sport] = [p, random.getrandbits(32), "silent"]
        pending = list(conns)
        for t in range(tries):
            for sp in pending:
                p, seq, _ = conns[sp]; self.syn(sp, p, seq)
            got = self.replies(wait if t < tries - 1 else 1.0)
            for sp, fl in got.items():
                if sp in conns:
                    conns[sp][2] = "open" if (fl & 0x12) == 0x12 else "refused" if fl & 0x04 else conns[sp][2]
            pending = [sp for sp in pending if conns[sp][2] == "refused"]
            if not pending: break
        return {c[0]: c[2] for c in conns.values()}

def winscan(src, dst, ports):
    w, res = Win(src, dst), {}
    for i in range(0, len(ports), 25):
        res.update(w.connect_batch(ports[i:i + 25]))
    n = {k: list(res.values()).count(k) for k in ("open", "refused", "silent")}
    print("windows connect scan: %s" % n)
    return n["refused"] >= len(ports) - 5

def winretry(src, dst, port, times):
    w, n = Win(src, dst), 0
    for i in range(times):
        n += w.connect_batch([port])[port] == "refused"
        time.sleep(2)
    print("windows client: %d/%d connects refused" % (n, times))
    return n == times

def checks(rounds, gap, ports, hosts):
    # a monitoring server's TCP service checks (like check_tcp): connect, close
    ok = bad = 0
    for r in range(rounds):
        for h in hosts:
            for p in ports:
                s = socket.socket(); s.settimeout(3)
                try:
                    s.connect((h, p)); ok += 1
                except OSError:
                    bad += 1
                finally:
                    s.close()
                time.sleep(0.01)
        if r < rounds - 1:
            time.sleep(gap)
    print("checks: %d up, %d down" % (ok, bad))
    return bad == 2 * rounds

m, a = sys.argv[1], sys.argv[2:]
if m in ("tls", "http"):   good = fan(m, int(a[0]), a[1:])
elif m == "udpp2p":        good = udpp2p(int(a[0]), a[1:])
elif m == "tcpp2p":        good = tcpp2p(int(a[0]), a[1:])
elif m == "dns":           good = dns(a[0], int(a[1]), a[2:])
elif m == "refused":       good = refused(a[0], int(a[1]), int(a[2]), a[3:])
elif m == "challenge":     good = challenge(a[0], int(a[1]), [int(x) for x in a[2:]])
elif m == "winscan":       good = winscan(a[0], a[1], [int(x) for x in a[2:]])
elif m == "winretry":      good = winretry(a[0], a[1], int(a[2]), int(a[3]))
elif m == "checks":        good = checks(int(a[0]), float(a[1]), [int(x) for x in a[2].split(",")], a[3:])
else: sys.exit("unknown mode " + m)
sys.exit(0 if good else 1)
PY

  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=lan.example" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 ||
    die "openssl could not make a test certificate"
  : >"$WORK/empty-blocklist"
  # the random high ports of the P2P peers (fixed seed: the same on every run)
  PEER_PORTS=($(python3 -c 'import random; print(*random.Random(2544).sample(range(10000, 65000), 80))'))
}

# ---------------------------------------------------------------- test bed
ns_new() { # ns_new NAME: a namespace with lo up; IPv6 only in IPv6 cases
  ip netns add "$1"
  if (( V6 )); then
    in_ns "$1" sysctl -qw net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
      net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
  else
    in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  fi
  ip -n "$1" link set lo up
}

lan() { # the bridge: a switch with a tap, nothing else (no address)
  teardown
  V6=${1:-0}
  ip netns add "$LAN"
  in_ns "$LAN" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$LAN" link add br0 address $MAC_BR type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$LAN" link set br0 up
}

node() { # node N ADDR...: LAN host N with these addresses (IPv4 /24, IPv6 /64)
  local n=$1 ns a; shift
  ns=$(ns_of "$n")
  ns_new "$ns"
  ip -n "$LAN" link add "p$n" type veth peer name eth0 netns "$ns" address "$(mac_of "$n")"
  ip -n "$LAN" link set "p$n" master br0
  ip -n "$LAN" link set "p$n" up
  for a in "$@"; do
    if [[ $a == *:* ]]; then ip -n "$ns" addr add "$a/64" dev eth0 nodad
    else ip -n "$ns" addr add "$a/24" dev eth0; fi
  done
  ip -n "$ns" link set eth0 up
  in_ns "$ns" ethtool -K eth0 tx off >/dev/null
  NODES+=("$n")
}

far() { # far: the gateway (node 1) and the networks behind it; LIVE_FAR: host numbers
  local a ns
  if ((V6)); then node 1 $GW4 $GW6; else node 1 $GW4; fi
  ns=$(ns_of 1)
  ns_new "$FAR"
  ip -n "$ns" link add far0 type veth peer name eth0 netns "$FAR"
  in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
    net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0
  ((V6)) && in_ns "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n "$ns" addr add 198.18.2.254/24 dev far0
  ((V6)) && ip -n "$ns" addr add 2001:db8:0:2::fffe/64 dev far0 nodad
  ip -n "$ns" link set far0 up
  for a in "${LIVE_FAR[@]}"; do
    ip -n "$FAR" addr add "$(far4 "$a")/24" dev eth0
    ((V6)) && ip -n "$FAR" addr add "$(far6 "$a")/64" dev eth0 nodad
  done
  ip -n "$FAR" link set eth0 up
  ip -n "$FAR" route add default via 198.18.2.254
  ((V6)) && ip -n "$FAR" -6 route add default via 2001:db8:0:2::fffe
  in_ns "$FAR" ethtool -K eth0 tx off >/dev/null
  in_ns "$ns" ethtool -K far0 tx off >/dev/null
  return 0
}

via_gw() { # via_gw N...: these LAN hosts reach the far networks through the gateway
  local n
  for n in "$@"; do
    [[ -z $(ip -n "$(ns_of "$n")" -4 addr show dev eth0) ]] || ip -n "$(ns_of "$n")" route add 198.18.2.0/24 via $GW4
    ((V6)) && ip -n "$(ns_of "$n")" -6 route add 2001:db8:0:2::/64 via $GW6
  done
  return 0
}

nft_drop() { # nft_drop N RULE...: an input rule that silently drops, on host N
  in_ns "$(ns_of "$1")" nft add table inet pscorp
  in_ns "$(ns_of "$1")" nft add chain inet pscorp input '{ type filter hook input priority 0; policy accept; }'
  in_ns "$(ns_of "$1")" nft add rule inet pscorp input "${@:2}" drop
}

farm() { # farm SPEC...: start the services (SPEC = NS/PROTO/PORT/KIND)
  rm -f "$WORK/ready"
  python3 "$WORK/farm.py" "$WORK/ready" "$WORK/cert.pem" "$WORK/key.pem" "$@" >>"$WORK/farm.log" 2>&1 &
  FARM_PID=$!
  local i
  for i in $(seq 100); do
    [[ -s $WORK/ready ]] && return 0
    kill -0 "$FARM_PID" 2>/dev/null || die "services died: $(tail -5 "$WORK/farm.log")"
    sleep 0.1
  done
  die "services not ready after 10 s"
}

settle() { # let links and bridge ports come up, then forget what setup taught anyone
  local n
  sleep "${1:-1}"
  for n in "${NODES[@]}"; do ip -n "$(ns_of "$n")" neigh flush all 2>/dev/null || true; done
}

# ---------------------------------------------------------------- capture
capture_start() { # the capture of the current case: every frame on the bridge
  : >"$WORK/tcpdump.log"
  in_ns "$LAN" tcpdump -i br0 -s 128 -n -U -Z root -w "$WORK/$CASE.pcap" >"$WORK/tcpdump.log" 2>&1 &
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

# run LIMIT N CMD...: a tool on LAN host N (N=0: the root namespace) under a time limit
run() {
  local limit=$1 n=$2 rc=0; shift 2
  log "  [${n/#0/root}] $*"
  # in the background + wait, so that a TERM/INT to this script is handled at once
  if [[ $n == 0 ]]; then
    timeout --kill-after=5 "$limit" "$@" >>"$WORK/$CASE.log" 2>&1 &
  else
    timeout --kill-after=5 "$limit" ip netns exec "$(ns_of "$n")" "$@" >>"$WORK/$CASE.log" 2>&1 &
  fi
  RUN_PID=$!
  wait "$RUN_PID" || rc=$?
  RUN_PID=""
  return $rc
}

run_bg() { # run_bg LIMIT N CMD...: like run, in the background; wait_bg collects them
  local limit=$1 n=$2; shift 2
  log "  [$n &] $*"
  timeout --kill-after=5 "$limit" ip netns exec "$(ns_of "$n")" "$@" >>"$WORK/$CASE.log" 2>&1 &
  BG_PIDS+=($!)
}

wait_bg() {
  local pid rc=0
  for pid in "${BG_PIDS[@]}"; do wait "$pid" || rc=$?; done
  BG_PIDS=()
  return $rc
}

# count FILTER: packets of the current capture matching a tcpdump filter
count() { tcpdump -r "$WORK/$CASE.pcap" -n "$1" 2>/dev/null | wc -l; }

# expect FILTER MIN [MAX]: the positive control of a case
expect() {
  local n max=${3:-}; n=$(count "$1")
  if (( n < $2 )) || { [[ -n $max ]] && (( n > max )); }; then
    log "  check failed: $n packets match '$1' (want ${2}..${3:-})"
    return 1
  fi
  log "  check: $n packets match '$1'"
}

# derive SRC FILTER DST: write another capture of the corpus from this case's one
derive() {
  tcpdump -r "$WORK/$1.pcap" -w "$WORK/$3.pcap" "$2" 2>/dev/null
  OUTPUTS+=("$3")
}

# ---------------------------------------------------------------- cases
# Each case_<name> builds its bed, captures around its traffic and checks the result.
# OUTPUTS lists the captures it produces (default: <name>.pcap).
NMAP=(nmap -n --reason)   # -n: never send reverse-DNS queries out of the test bed
tcp_ok() { echo "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)"; }

# ---- benign
case_lan-tls-fanout() { # a LAN client connects successfully to 60 hosts on 443
  local i specs=() hosts=()
  lan; node 11 $CLI4
  for i in $(seq 60); do node $((100 + i)) "$(host4 $i)"; specs+=("$(ns_of $((100 + i)))/tcp/443/tls"); hosts+=("$(host4 $i)"); done
  farm "${specs[@]}"; settle
  capture_start
  run 120 11 python3 "$WORK/drv.py" tls 443 "${hosts[@]}"
  capture_stop
  expect "arp[6:2] == 2 and arp[14:4] >= 0xc6120065" 60 && expect "dst host $CLI4 and $(tcp_ok)" 60 60
}

case_gw-arp-refresh() { # a gateway re-asking the same 12 absent addresses, round after round
  local i live=()
  lan; node 1 $GW4
  for i in 1 2 3 4; do node $((100 + i)) "$(host4 $i)"; live+=("$(host4 $i)"); done
  settle
  capture_start
  # real gateways re-ask every ~45 s (the interval is compressed to 3 s here); each
  # round also pings the four live hosts the gateway is talking to
  run 120 1 bash -c 'for r in $(seq 8); do
      for i in $(seq 201 212); do arping -q -c 1 -w 1 -i eth0 198.18.0.$i & done
      for h in "$@"; do ping -n -q -c 1 -W 1 $h >/dev/null & done
      wait; sleep 2; done; true' _ "${live[@]}"
  capture_stop
  expect "arp and arp[24:4] >= 0xc61200c9 and arp[24:4] <= 0xc61200d4" 96 96 &&
    expect "icmp[icmptype] == icmp-echoreply" 32 32
}

case_ipv6-lan-clients() { # an IPv6 client talks to 30 on-link hosts (NDP + HTTP)
  local i specs=() hosts=()
  lan 1; node 11 $CLI6
  for i in $(seq 30); do node $((100 + i)) "$(host6 $i)"; specs+=("$(ns_of $((100 + i)))/tcp/80/http"); hosts+=("$(host6 $i)"); done
  farm "${specs[@]}"; settle 2
  capture_start
  run 120 11 python3 "$WORK/drv.py" http 80 "${hosts[@]}"
  capture_stop
  expect "icmp6 and ip6[40] == 135" 30 && expect "icmp6 and ip6[40] == 136" 30 &&
    expect "ip6 src net 2001:db8:0:1::1:0/112 and ip6[6] == 6 and ip6[53] & 0x12 == 0x12" 30 30
}

# peers of the P2P cases: host I listens on PEER_PORTS[I-1]
case_p2p-udp() { # a DHT-like UDP client: 80 peers, each on its own random high port
  local i specs=() peers=()
  lan; node 11 $CLI4
  for i in $(seq 80); do
    peers+=("$(host4 $i):${PEER_PORTS[i - 1]}")
    (( i <= 75 )) || continue                       # 76..80: gone (ARP unanswered)
    node $((100 + i)) "$(host4 $i)"
    if (( i <= 64 )); then specs+=("$(ns_of $((100 + i)))/udp/${PEER_PORTS[i - 1]}/p2p")  # answer
    elif (( i <= 70 )); then nft_drop $((100 + i)) udp dport "${PEER_PORTS[i - 1]}"       # behind a NAT/firewall
    fi                                              # 71..75: port closed (ICMP port unreachable)
  done
  farm "${specs[@]}"; settle
  capture_start
  run 60 11 python3 "$WORK/drv.py" udpp2p 64 "${peers[@]}"
  capture_stop
  expect "udp and src host $CLI4" 80 && expect "udp and dst host $CLI4" 64 64 && expect "icmp[icmptype] == icmp-unreach" 5
}

case_p2p-tcp() { # a TCP P2P client: 60 peers on distinct random ports
  local i specs=() peers=()
  lan; node 11 $CLI4
  for i in $(seq 60); do
    peers+=("$(host4 $i):${PEER_PORTS[i - 1]}")
    (( i <= 57 )) || continue                       # 58..60: gone (ARP unanswered)
    node $((100 + i)) "$(host4 $i)"
    if (( i <= 48 )); then specs+=("$(ns_of $((100 + i)))/tcp/${PEER_PORTS[i - 1]}/p2p")  # accept
    elif (( i > 54 )); then nft_drop $((100 + i)) tcp dport "${PEER_PORTS[i - 1]}"        # silent
    fi                                              # 49..54: refused (RST)
  done
  farm "${specs[@]}"; settle
  capture_start
  run 120 11 python3 "$WORK/drv.py" tcpp2p 48 "${peers[@]}"
  capture_stop
  expect "src host $CLI4 and tcp[tcpflags] == tcp-syn" 60 && expect "dst host $CLI4 and $(tcp_ok)" 48 48
}

case_monitor-ping() { # a monitoring host pings the same 20 hosts, round after round
  local i hosts=()
  lan; node 11 $CLI4
  for i in $(seq 20); do
    hosts+=("$(host4 $i)")
    (( i == 19 )) && continue                       # down: ARP unanswered
    node $((100 + i)) "$(host4 $i)"
  done
  nft_drop 120 icmp type echo-request               # up, but drops pings
  settle
  capture_start
  # a real monitor pings every 30-60 s; the interval is compressed to 3 s here
  run 120 11 bash -c 'for r in $(seq 6); do
      for h in "$@"; do ping -n -q -c 1 -W 1 $h >/dev/null & sleep 0.02; done
      wait; sleep 2; done; true' _ "${hosts[@]}"
  capture_stop
  expect "icmp[icmptype] == icmp-echoreply" 108 108
}

case_dns-server() { # a DNS server answering 5 clients, each query from a new port
  local i nss=()
  lan; node 2 $SRV4
  for i in $(seq 31 35); do node $i "198.18.0.$i"; nss+=("$(ns_of $i)"); done
  farm "$(ns_of 2)/udp/53/dns"; settle
  capture_start
  run 60 0 python3 "$WORK/drv.py" dns $SRV4 30 "${nss[@]}"
  capture_stop
  expect "udp and src host $SRV4 and src port 53" 150 150
}

case_refused-clients() { # a busy server refuses 40 clients on a port whose service is down
  local i nss=()
  lan; node 2 $SRV4
  for i in $(seq 31 70); do node $i "198.18.0.$i"; nss+=("$(ns_of $i)"); done
  farm "$(ns_of 2)/tcp/443/tls"; settle
  capture_start
  run 60 0 python3 "$WORK/drv.py" refused $SRV4 8080 3 "${nss[@]}"
  capture_stop
  expect "src host $SRV4 and tcp[tcpflags] & tcp-rst != 0" 120 120
}

case_challenge-ack() { # RFC 5961 challenge ACKs: reconnects from the same source port
  local i sports=()
  lan; node 2 $SRV4; node 11 $CLI4
  in_ns "$(ns_of 11)" nft -f - <<'EOF'
table inet pscorp {
  set closing { type inet_service; }
  chain output {
    type filter hook output priority 0; policy accept;
    tcp sport @closing tcp flags & (fin | rst) != 0 drop
  }
}
EOF
  for i in $(seq 8); do sports+=($((41000 + i * 7))); done
  farm "$(ns_of 2)/tcp/5222/echo"; settle
  capture_start
  run 120 11 python3 "$WORK/drv.py" challenge $SRV4 5222 "${sports[@]}"
  capture_stop
  # the challenge ACKs: bare ACKs from the server, each answered by the client's RST
  expect "src host $SRV4 and tcp[tcpflags] == tcp-ack and tcp[4:4] != 0" 8 &&
    expect "src host $CLI4 and tcp[tcpflags] == tcp-rst" 8 && expect "src host $SRV4 and $(tcp_ok)" 16 16
}

case_service-checks() { # a monitoring server checks 5 TCP services on each of 12 hosts
  local i n specs=() hosts=()
  lan; node 11 $CLI4
  for i in $(seq 12); do
    n=$((100 + i)); node $n "$(host4 $i)"; hosts+=("$(host4 $i)")
    specs+=("$(ns_of $n)/tcp/22/ssh" "$(ns_of $n)/tcp/80/http" "$(ns_of $n)/tcp/443/tls" "$(ns_of $n)/tcp/5222/echo")
    (( i == 4 || i == 9 )) || specs+=("$(ns_of $n)/tcp/3306/echo")   # the database is down on two hosts
  done
  farm "${specs[@]}"; settle
  capture_start
  # real checks repeat every 1-5 minutes; compressed to 4 s here
  run 120 11 python3 "$WORK/drv.py" checks 2 4 22,80,443,5222,3306 "${hosts[@]}"
  capture_stop
  expect "dst host $CLI4 and $(tcp_ok)" 116 116 && expect "(src host 198.18.0.104 or src host 198.18.0.109) and tcp[tcpflags] & tcp-rst != 0" 4
}

case_traceroute() { # a host traces the route to a far host (traceroute, mtr -u) and to a far address nobody holds
  lan; node 11 $CLI4; LIVE_FAR=(5); far; via_gw 11
  settle 2
  capture_start
  TAIL=4
  # UDP to ports 33434 and up, TTL rising: the gateway answers time
  # exceeded, the far host port unreachable; for the absent address the
  # gateway answers host unreachable once its ARP goes unanswered
  run 120 11 bash -c 'for r in 1 2 3; do traceroute -n -q 3 -w 1 "$1"; sleep 1; done
      mtr -u -n -r -c 3 "$1"; traceroute -n -q 3 -w 1 -m 4 "$2"; true' _ "$(far4 5)" "$(far4 77)"
  capture_stop
  expect "icmp[icmptype] == icmp-timxceed" 12 && expect "src host $(far4 5) and icmp[icmptype] == icmp-unreach" 12
}

case_win-refused-retry() { # a Windows client retrying a refused port (3 identical SYNs per connect)
  lan; node 2 $SRV4; node 11 $CLI4
  settle
  capture_start
  run 60 11 python3 "$WORK/drv.py" winretry $CLI4 $SRV4 8080 4
  capture_stop
  expect "src host $CLI4 and tcp[tcpflags] == tcp-syn" 12 12
}

# ---- scans
case_nmap-arp-sweep() { # nmap -sn over the LAN's /24: an ARP sweep, 5 hosts alive
  local i
  lan; node 10 $SCAN4; node 2 $SRV4
  for i in 1 2 3 4; do node $((100 + i)) "$(host4 $i)"; done
  settle
  capture_start
  run 120 10 "${NMAP[@]}" -sn 198.18.0.0/24
  capture_stop
  expect "arp[6:2] == 1 and src host $SCAN4" 250 && expect "arp[6:2] == 2 and not src host $SCAN4" 5
}

case_nmap6-ndp-sweep() { # nmap -6 -sn over 64 on-link addresses, 30 alive
  local i
  lan 1; node 10 $SCAN6
  for i in $(seq 1 2 59); do node $((100 + i)) "$(host6 $i)"; done
  settle 2
  capture_start
  run 120 10 "${NMAP[@]}" -6 -sn 2001:db8:0:1::1:0/122
  capture_stop
  expect "icmp6 and ip6[40] == 135 and src host $SCAN6" 64 && expect "icmp6 and ip6[40] == 136" 30
}

case_nmap6-echo-sweep() { # nmap -6 -sn -PE over 64 addresses of a routed /64, 30 alive
  local i
  lan 1; node 10 $SCAN6; LIVE_FAR=($(seq 1 2 59)); far; via_gw 10
  settle 2
  capture_start
  TAIL=4
  run 120 10 "${NMAP[@]}" -6 -sn -PE 2001:db8:0:2::1:0/122
  capture_stop
  expect "icmp6 and ip6[40] == 128 and src host $SCAN6" 64 && expect "icmp6 and ip6[40] == 129" 30 30
}

case_nmap6-echo-onlink() { # the same echo sweep on-link, with --send-ip (the kernel does NDP)
  local i
  lan 1; node 10 $SCAN6
  for i in $(seq 1 2 59); do node $((100 + i)) "$(host6 $i)"; done
  settle 2
  capture_start
  run 120 10 "${NMAP[@]}" -6 -sn -PE --send-ip 2001:db8:0:1::1:0/122
  capture_stop
  expect "icmp6 and ip6[40] == 128 and src host $SCAN6" 30 && expect "icmp6 and ip6[40] == 129" 30
}

ROT6=(2001:db8:0:1:3d5e:8a21:64c9:1f07 2001:db8:0:1:9b02:e7c4:1a58:d3e6
      2001:db8:0:1:c61f:53a9:b270:8e4d 2001:db8:0:1:5ad8:0f93:ce16:72b1)
case_nmap6-rotating() { # one scanner, four addresses of its /64, each a slice of ports
  local k t
  lan 1; node 10 "${ROT6[@]}"; node 101 "$(host6 1)"; t=$(host6 1)
  farm "$(ns_of 101)/tcp/22/ssh" "$(ns_of 101)/tcp/80/http"; settle 2
  capture_start
  for k in 0 1 2 3; do
    run 120 10 "${NMAP[@]}" -6 -sS -Pn -e eth0 -S "${ROT6[k]}" -p $((k * 50 + 1))-$((k * 50 + 50)) "$t"
    sleep 1
  done
  capture_stop
  for k in 0 1 2 3; do expect "ip6 dst host ${ROT6[k]} and ip6[6] == 6 and ip6[53] & 0x04 != 0" 45 || return 1; done
}

case_nmap-os() { # nmap -O -p 22,80,9 against one LAN host (22, 80 open, 9 closed)
  lan; node 10 $SCAN4; node 2 $SRV4
  farm "$(ns_of 2)/tcp/22/ssh" "$(ns_of 2)/tcp/80/http"; settle
  capture_start
  run 120 10 "${NMAP[@]}" -O -p 22,80,9 $SRV4
  capture_stop
  expect "src host $SCAN4 and tcp and not tcp[tcpflags] == tcp-syn" 6 && expect "src host $SCAN4 and udp" 1
}

odd() { # odd FLAG: nmap -sN/-sX/-sF on 5 closed ports of the server
  lan; node 10 $SCAN4; node 2 $SRV4
  settle
  capture_start
  run 60 10 "${NMAP[@]}" "$1" -Pn -p 21,23,110,143,3389 $SRV4
  capture_stop
  expect "src host $SRV4 and tcp[tcpflags] & tcp-rst != 0" 5 5
}
case_nmap-null5() { odd -sN; }
case_nmap-xmas5() { odd -sX; }
case_nmap-fin5()  { odd -sF; }

case_hping-synfin() { # hping3: SYN+FIN to 6 ports in a row
  lan; node 10 $SCAN4; node 2 $SRV4
  farm "$(ns_of 2)/tcp/22/ssh"; settle
  capture_start
  run 30 10 hping3 -q -c 6 -S -F -p ++20 -i u300000 $SRV4 || true
  capture_stop
  expect "src host $SCAN4 and tcp[tcpflags] & (tcp-syn|tcp-fin) == (tcp-syn|tcp-fin)" 6 6
}

frag() { # frag ARG...: nmap -sS with fragmented probes over 100 ports
  lan; node 10 $SCAN4; node 2 $SRV4
  farm "$(ns_of 2)/tcp/22/ssh" "$(ns_of 2)/tcp/80/http"; settle
  capture_start
  run 120 10 "${NMAP[@]}" -sS -Pn "$@" -p 1-100 $SRV4
  capture_stop
  expect "src host $SCAN4 and (ip[6:2] & 0x3fff) != 0" 200 && expect "src host $SRV4 and tcp[tcpflags] & tcp-rst != 0" 95
}
case_nmap-frag-f()    { frag -f; }
case_nmap-frag-mtu8() { frag --mtu 8; }

case_ping6-frag-sweep() { # an ICMPv6 echo sweep with 1600-byte pings: every probe in 2 fragments
  # (nmap -f does not support IPv6; the kernel fragments ping's oversized datagrams)
  lan 1; node 10 $SCAN6; LIVE_FAR=($(seq 1 2 59)); far; via_gw 10
  settle 2
  capture_start
  TAIL=4
  run 120 10 bash -c 'for i in $(seq 0 63); do
      ping -6 -n -q -c 1 -W 2 -s 1600 $(printf "2001:db8:0:2::1:%x" $i) >/dev/null &
      (( i % 16 == 15 )) && wait; sleep 0.02; done; wait; true'
  capture_stop
  # fragments carry a Fragment header (next header 44) right after the IPv6 header
  expect "ip6 src host $SCAN6 and ip6[6] == 44" 128 && expect "ip6 dst host $SCAN6 and ip6[6] == 44" 60
}

case_distributed() { # 9 sources, a slice of ports 1-300 each; an earlier full scan by .10
  local k lo hi
  lan; node 10 $SCAN4; node 2 $SRV4
  for k in $(seq 9); do node $((20 + k)) "198.18.0.$((20 + k))"; done
  farm "$(ns_of 2)/tcp/22/ssh" "$(ns_of 2)/tcp/80/http" "$(ns_of 2)/tcp/443/tls"; settle
  capture_start
  run 120 10 "${NMAP[@]}" -sS -Pn -p 1-300 $SRV4
  sleep 15
  for k in $(seq 9); do
    lo=$(( (k - 1) * 300 / 9 + 1 )) hi=$(( k * 300 / 9 ))
    run_bg 120 $((20 + k)) "${NMAP[@]}" -sS -Pn -p $lo-$hi $SRV4
    sleep 4
  done
  wait_bg
  capture_stop
  for k in $(seq 9); do expect "dst host 198.18.0.$((20 + k)) and tcp[tcpflags] & tcp-rst != 0" 30 || return 1; done
}

case_nmap-syn() { # baseline nmap -sS; also the answers-only capture (the target's side)
  lan; node 10 $SCAN4; node 2 $SRV4
  farm "$(ns_of 2)/tcp/22/ssh" "$(ns_of 2)/tcp/80/http"; settle
  capture_start
  run 120 10 "${NMAP[@]}" -sS -p 1-300 $SRV4
  capture_stop
  expect "src host $SRV4 and $(tcp_ok)" 2 && derive nmap-syn "src host $SRV4" answers-only-syn
}

case_nmap-connect() { # baseline nmap -sT
  lan; node 10 $SCAN4; node 2 $SRV4
  farm "$(ns_of 2)/tcp/22/ssh" "$(ns_of 2)/tcp/80/http"; settle
  capture_start
  run 120 10 "${NMAP[@]}" -sT -p 1-300 $SRV4
  capture_stop
  expect "src host $SRV4 and $(tcp_ok)" 2 && expect "src host $SRV4 and tcp[tcpflags] & tcp-rst != 0" 290
}

case_nmap-udp() { # nmap -sU; also the answers-only capture (ICMP errors quoting the probes)
  lan; node 10 $SCAN4; node 2 $SRV4
  # Linux rate-limits ICMP errors (about 1/s after a burst of 6); lifted on the target
  # so that the scan takes seconds, not a minute (Windows does not rate-limit either)
  in_ns "$(ns_of 2)" sysctl -qw net.ipv4.icmp_ratelimit=0
  farm "$(ns_of 2)/udp/53/dns"; settle
  capture_start
  run 120 10 "${NMAP[@]}" -sU -Pn --top-ports 50 $SRV4
  capture_stop
  expect "src host $SRV4 and icmp[icmptype] == icmp-unreach" 45 && derive nmap-udp "src host $SRV4" answers-only-udp
}

case_nmap-default() { # nmap with no options: host discovery pings, then a SYN scan
  lan; node 10 $SCAN4; LIVE_FAR=(2); far; via_gw 10
  farm "$FAR/tcp/22/ssh" "$FAR/tcp/80/http" "$FAR/tcp/443/tls"; settle
  capture_start
  run 120 10 "${NMAP[@]}" --top-ports 200 "$(far4 2)"
  capture_stop
  expect "src host $SCAN4 and icmp[icmptype] == icmp-tstamp" 1 && expect "src host $(far4 2) and $(tcp_ok)" 4
}

case_masscan-sweep() { # masscan over 64 routed addresses, 2 ports, 30 hosts alive
  lan; node 10 $SCAN4; LIVE_FAR=($(seq 1 2 59)); far; via_gw 10
  farm "$FAR/tcp/80/http" "$FAR/tcp/443/tls"; settle
  capture_start
  TAIL=4
  # masscan may keep running after its --wait: the time limit ends it, which is fine
  local rc=0
  run 30 10 masscan -p80,443 198.18.2.0/26 --rate 300 -e eth0 --adapter-ip $SCAN4 \
    --adapter-mac $MAC_SCAN --router-mac $MAC_GW --wait 3 || rc=$?
  (( rc == 0 || rc == 124 || rc == 137 )) || return $rc
  capture_stop
  expect "src host $SCAN4 and tcp[tcpflags] == tcp-syn" 128 128 && expect "dst host $SCAN4 and $(tcp_ok)" 60
}

case_masscan-random-ports() { # masscan -p1-65535 over a /25: random ports of random hosts
  lan; node 10 $SCAN4; LIVE_FAR=(1); far; via_gw 10
  # Every address of 198.18.2.0/25 answers (a local route): closed ports refuse,
  # as a range of live hosts does. In a few seconds masscan probes a
  # few hundred (host, port) pairs, nearly all distinct: no host and no port repeats
  # enough to stand out, only the range does.
  ip -n "$FAR" route add local 198.18.2.0/25 dev lo
  settle
  capture_start
  TAIL=3
  local rc=0
  run 8 10 masscan -p1-65535 198.18.2.0/25 --rate 100 -e eth0 --adapter-ip $SCAN4 \
    --adapter-mac $MAC_SCAN --router-mac $MAC_GW --wait 1 --seed 7 || rc=$?
  (( rc == 0 || rc == 124 || rc == 137 )) || return $rc
  capture_stop
  expect "src host $SCAN4 and tcp[tcpflags] == tcp-syn" 200 && expect "dst host $SCAN4 and tcp[tcpflags] & tcp-rst != 0" 200
}

case_zmap-sweep() { # zmap over 64 routed addresses on 443, 30 hosts alive
  lan; node 10 $SCAN4; LIVE_FAR=($(seq 1 2 59)); far; via_gw 10
  farm "$FAR/tcp/443/tls"; settle
  capture_start
  TAIL=4
  run 60 10 zmap -p 443 -i eth0 -S $SCAN4 -G $MAC_GW -b "$WORK/empty-blocklist" \
    -r 100 -c 4 --disable-syslog -o "$WORK/zmap.out" 198.18.2.0/26
  capture_stop
  expect "src host $SCAN4 and tcp[tcpflags] == tcp-syn" 64 64 && expect "dst host $SCAN4 and $(tcp_ok)" 30 30
}

case_win-connect-scan() { # a connect() scan of ports 1-150 from a Windows-like stack
  lan; node 10 $SCAN4; node 2 $SRV4
  farm "$(ns_of 2)/tcp/22/ssh" "$(ns_of 2)/tcp/80/http"; settle
  capture_start
  run 120 10 python3 "$WORK/drv.py" winscan $SCAN4 $SRV4 $(seq 1 150)
  capture_stop
  expect "src host $SCAN4 and tcp[tcpflags] == tcp-syn" 440
}

CASES=(lan-tls-fanout gw-arp-refresh ipv6-lan-clients p2p-udp p2p-tcp monitor-ping dns-server
  refused-clients challenge-ack service-checks traceroute win-refused-retry
  nmap-arp-sweep nmap6-ndp-sweep nmap6-echo-sweep nmap6-echo-onlink nmap6-rotating nmap-os
  nmap-null5 nmap-xmas5 nmap-fin5 hping-synfin nmap-frag-f nmap-frag-mtu8 ping6-frag-sweep distributed
  nmap-syn nmap-connect nmap-udp nmap-default masscan-sweep masscan-random-ports zmap-sweep win-connect-scan)

outputs_of() { # the captures a case writes
  case $1 in
    nmap-syn) echo "nmap-syn answers-only-syn" ;;
    nmap-udp) echo "nmap-udp answers-only-udp" ;;
    *) echo "$1" ;;
  esac
}

record_case() {
  CASE=$1 OUTPUTS=("$1")
  local rc=0 o size pkts
  log "case $CASE"
  TAIL=2 V6=0
  rm -f "$WORK"/*.pcap
  "case_$CASE" || rc=$?
  teardown
  if (( rc != 0 )); then
    log "  FAILED (exit $rc); last output:"; tail -5 "$WORK/$CASE.log" >&2 || true
    FAILED+=("$CASE"); return 0
  fi
  tr '\r' '\n' <"$WORK/$CASE.log" 2>/dev/null | sed 's/^/    /' | grep -Ev '^ *$|^ *(Starting|Nmap done|Host is up|Not shown|Read data|PORT|MAC Address)' | tail -3 >&2 || true
  for o in "${OUTPUTS[@]}"; do
    size=$(stat -c %s "$WORK/$o.pcap")
    pkts=$(tcpdump -r "$WORK/$o.pcap" -n 2>/dev/null | wc -l)
    if (( size > 200000 )); then
      log "  FAILED: $o.pcap is $size bytes (> 200 kB)"; FAILED+=("$CASE"); return 0
    fi
    mkdir -p "$OUT"
    install -m 0644 "$WORK/$o.pcap" "$OUT/$o.pcap"
    log "  ok: $pkts packets, $size bytes -> $OUT/$o.pcap"
  done
}

# ---------------------------------------------------------------- main
main() {
  local c want=()
  case ${1:-} in
    --list) for c in "${CASES[@]}"; do printf '%-20s %s\n' "$c" "$(outputs_of "$c" | sed 's/\([^ ]*\)/\1.pcap/g')"; done; return 0 ;;
    --cleanup) (( EUID == 0 )) || die "needs root"; teardown; return 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
  esac
  (( EUID == 0 )) || die "needs root (network namespaces, raw sockets)"
  for c in ip nft ethtool tcpdump python3 openssl nmap masscan zmap hping3 arping ping timeout; do
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
