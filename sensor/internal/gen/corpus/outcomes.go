package corpus

import (
	"fmt"
	"time"
)

// Outcomes come in odd shapes: a sensor started mid-flow first sees bare
// ACKs, and a server that still holds a connection answers a new SYN on
// the same ports with an ACK. Neither is an ACK scan.

var windowsMidflow = Case{
	Name: "windows-midflow-acks", Class: "outcomes", Label: "benign",
	Description: "sensor started while a Windows 10 desktop holds 50 long-lived TLS/IMAPS/push " +
		"connections to 35 servers: the first packet of each is the client's bare ACK (no options, " +
		"no payload: Windows does not use timestamps), then five minutes of pushes, requests and ACKs",
	seed: 501, start: day(12), build: buildMidflow,
}

// buildMidflow: the desktop's connections were opened before the capture
// started, so there is no handshake to see. Each first shows the delayed
// ACK (up to 200 ms) for data the server sent just before; then the server
// pushes or the client asks, every 10-60 s.
func buildMidflow(c *capture) {
	c.gw = c.host(ip4{198, 18, 80, 1}, linux, 0)
	client := c.host(ip4{198, 18, 80, 10}, windows10, 0)
	var servers []*node
	for i := range 35 {
		servers = append(servers, c.host(ip4{198, 19, byte(100 + i), byte(7 + 3*i)}, linux, uint8(10+c.rng.IntN(7))))
	}
	for j := range 50 {
		port := uint16(443)
		switch j % 10 {
		case 4:
			port = 993
		case 7:
			port = 5228
		}
		k := c.dial(client, servers[j%35], port)
		k.cnxt, k.snxt = c.rng.Uint32(), c.rng.Uint32()
		rtt := c.wanRTT(15, 90)
		at := c.jitter(20 * time.Second)
		k.seg(at, true, 0, nil)
		for at += 10*time.Second + c.jitter(50*time.Second); at < 5*time.Minute; at += 10*time.Second + c.jitter(50*time.Second) {
			if c.rng.IntN(2) == 0 {
				k.seg(at, false, fPSH, c.noise(30+c.rng.IntN(370)))
				k.seg(at+40*time.Millisecond+c.jitter(160*time.Millisecond), true, 0, nil)
				continue
			}
			k.seg(at, true, fPSH, c.noise(100+c.rng.IntN(500)))
			k.seg(at+rtt, false, fPSH, c.noise(60+c.rng.IntN(1200)))
			k.seg(at+rtt+40*time.Millisecond+c.jitter(160*time.Millisecond), true, 0, nil)
		}
	}
}

var challengeACK = Case{
	Name: "rfc5961-challenge-ack", Class: "outcomes", Label: "benign",
	Description: "after a power cut, 60 lwIP devices reconnect to their MQTT broker (Linux) from the same " +
		"source port as before the reboot; the broker still holds the old connections and answers " +
		"each SYN with an RFC 5961 challenge ACK, the device resets it and retries, and connects",
	seed: 502, start: day(13), build: buildChallengeACK,
}

// buildChallengeACK: lwIP without port randomisation takes 49153 for its
// first connection after every boot, and its ISN restarts near 6510, so a
// rebooted device's SYN lands on the broker's established connection of
// the same four-tuple. Linux answers with a challenge ACK (RFC 5961 4.2:
// its current sequence and acknowledgment numbers, no options since lwIP
// never negotiated timestamps). lwIP, in SYN-SENT, answers an unacceptable
// ACK with RST-ACK (sequence = the ACK's acknowledgment number) and
// re-sends its SYN at once; the RST matches the broker's rcv_nxt exactly,
// so the old connection is dropped and the new SYN is accepted. Before the
// cut, the old connections show only their keep-alive pings.
func buildChallengeACK(c *capture) {
	c.gw = c.host(ip4{198, 18, 90, 1}, linux, 0)
	broker := c.host(ip4{198, 18, 90, 2}, linux, 0)
	const port, cport = 1883, 49153
	const cut = time.Minute
	for i := range 60 {
		dev := c.host(ip4{198, 18, 91, byte(10 + i)}, lwip, 1)
		dev.ipid = uint16(c.rng.Uint32()) // long uptime before the cut
		rtt := c.wanRTT(2, 20)
		old := c.dialFrom(dev, cport, broker, port)
		old.cnxt, old.snxt = c.rng.Uint32(), c.rng.Uint32()
		ping := c.jitter(cut - time.Second)
		old.seg(ping, true, fPSH, []byte{0xc0, 0}) // PINGREQ
		old.seg(ping+50*time.Microsecond, false, fPSH, []byte{0xd0, 0})
		old.seg(ping+rtt+c.jitter(250*time.Millisecond), true, 0, nil) // lwIP's delayed ACK

		// Reboot: the IP id counter and the ISN start again.
		dev.ipid = 0
		at := cut + 8*time.Second + c.jitter(32*time.Second)
		k := c.dialFrom(dev, cport, broker, port)
		k.ciss = 6510 + uint32(c.rng.IntN(400))
		k.syn(at)
		at += 40 * time.Microsecond
		old.seg(at, false, 0, nil) // the challenge ACK
		at += rtt
		rst := tcpHdr{sport: cport, dport: port, seq: old.cnxt, ack: old.snxt, flags: fRST | fACK, win: lwip.win}
		k.send(at, true, rst, dev.nextID(), nil)
		at += 20 * time.Microsecond
		k.syn(at)
		at += 40 * time.Microsecond
		k.synAck(at)
		at += rtt
		k.seg(at, true, 0, nil)
		k.seg(at+30*time.Microsecond, true, fPSH, mqttConnect(i))
		at += 30*time.Microsecond + 100*time.Microsecond
		k.seg(at, false, fPSH, []byte{0x20, 0x02, 0x00, 0x00}) // CONNACK
		at += time.Second + c.jitter(time.Second)
		k.seg(at, true, fPSH, mqttPublish(fmt.Sprintf("site/dev%03d/t", i), fmt.Sprintf(`{"c":21.%d}`, i%10)))
		k.seg(at+40*time.Millisecond, false, 0, nil) // Linux's delayed ACK
	}
}

// mqttConnect is an MQTT 3.1.1 CONNECT with a client id, keep-alive 60 s
// and clean session.
func mqttConnect(i int) []byte {
	id := fmt.Sprintf("dev%03d", i)
	body := append([]byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, byte(len(id))}, id...)
	return append([]byte{0x10, byte(len(body))}, body...)
}

// mqttPublish is an MQTT PUBLISH at QoS 0.
func mqttPublish(topic, payload string) []byte {
	body := append([]byte{0, byte(len(topic))}, topic...)
	body = append(body, payload...)
	return append([]byte{0x30, byte(len(body))}, body...)
}
