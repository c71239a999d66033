//go:build linux

package honeyport

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/testkit"
)

// Each banner, seen from a client: server-first ones greet on connect, HTTP
// answers once the request arrives; the touch names the banner and keeps
// what the client sent.
func TestBannersOnTheWire(t *testing.T) {
	cases := []struct {
		name, send string
		check      func(t *testing.T, got []byte)
	}{
		{"ssh", "SSH-2.0-Go\r\n", prefix("SSH-2.0-OpenSSH_")},
		{"smtp", "EHLO x\r\n", prefix("220 ")},
		{"ftp", "USER anonymous\r\n", prefix("220 ")},
		{"telnet", "\xff\xfc\x18", prefix("\xff\xfd\x18")},
		{"mysql", "\x00", checkMySQL},
		{"http", "GET / HTTP/1.0\r\n\r\n", checkHTTP},
	}
	var ports, list []string
	portOf := map[string]uint16{}
	for _, c := range cases {
		p := testkit.FreePort(t, "tcp", "127.0.0.1")
		portOf[c.name] = p
		ports = append(ports, itoa(p)+"="+c.name)
		list = append(list, itoa(p))
	}
	cfg := testConfig(list...)
	cfg.Banners = ports
	cfg.ReadTimeout = 500 * time.Millisecond
	rec := newRecorder()
	start(t, cfg, rec.onTouch)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", "127.0.0.1:"+itoa(portOf[c.name]))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(3 * time.Second))
			conn.Write([]byte(c.send))
			got, err := io.ReadAll(conn) // the decoy closes: after HTTP's reply, or at the deadline
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, got)
			touch := rec.next(t, func(tc detect.Touch) bool { return tc.DstPort == portOf[c.name] })
			if touch.Banner != c.name || string(touch.First) != c.send || touch.Bytes != len(c.send) {
				t.Errorf("touch: banner %q, first %q, bytes %d", touch.Banner, touch.First, touch.Bytes)
			}
		})
	}
}

func prefix(p string) func(*testing.T, []byte) {
	return func(t *testing.T, got []byte) {
		if !bytes.HasPrefix(got, []byte(p)) {
			t.Errorf("got %q, want it to start with %q", got, p)
		}
	}
}

// checkMySQL reads the greeting as a client library would.
func checkMySQL(t *testing.T, got []byte) {
	if len(got) < 4 {
		t.Fatalf("greeting %q", got)
	}
	n := int(got[0]) | int(got[1])<<8 | int(got[2])<<16
	if got[3] != 0 || len(got) != 4+n {
		t.Fatalf("packet header says %d bytes, sequence %d; got %d", n, got[3], len(got)-4)
	}
	p := got[4:]
	if p[0] != 10 {
		t.Errorf("protocol %d, want 10", p[0])
	}
	version, rest, ok := bytes.Cut(p[1:], []byte{0})
	if !ok || !strings.HasPrefix(string(version), "5.7.") {
		t.Fatalf("version %q", version)
	}
	// thread id 4, scramble 8, filler 1, caps 2, charset 1, status 2, caps 2, scramble length 1, reserved 10
	if len(rest) < 31 || rest[12] != 0 || rest[20] != 21 {
		t.Fatalf("fixed part malformed: % x", rest)
	}
	caps := uint32(binary.LittleEndian.Uint16(rest[13:])) | uint32(binary.LittleEndian.Uint16(rest[18:]))<<16
	if caps&0x80000 == 0 {
		t.Error("no CLIENT_PLUGIN_AUTH")
	}
	tail := rest[31:]
	if len(tail) != 13+len("mysql_native_password\x00") || tail[12] != 0 || string(tail[13:]) != "mysql_native_password\x00" {
		t.Errorf("scramble and plugin: %q", tail)
	}
	if bytes.Equal(mysqlGreeting(time.Now()), mysqlGreeting(time.Now())) {
		t.Error("two greetings are identical: the scramble must differ per connection")
	}
}

func checkHTTP(t *testing.T, got []byte) {
	resp, err := readResponse(got)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.status, "HTTP/1.1 200") || resp.headers["Connection"] != "close" || resp.headers["Server"] == "" {
		t.Errorf("response %+v", resp)
	}
	if resp.headers["Content-Length"] != itoa(uint16(len(resp.body))) {
		t.Errorf("Content-Length %s, body %d bytes", resp.headers["Content-Length"], len(resp.body))
	}
}

type response struct {
	status  string
	headers map[string]string
	body    string
}

func readResponse(b []byte) (response, error) {
	r := bufio.NewReader(bytes.NewReader(b))
	var resp response
	line, err := r.ReadString('\n')
	if err != nil {
		return resp, err
	}
	resp.status = strings.TrimSpace(line)
	resp.headers = map[string]string{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return resp, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		resp.headers[k] = strings.TrimSpace(v)
	}
	body, err := io.ReadAll(r)
	resp.body = string(body)
	return resp, err
}

// A silent port (no banner) sends nothing, whatever arrives.
func TestNoBannerSaysNothing(t *testing.T) {
	port := testkit.FreePort(t, "tcp", "127.0.0.1")
	cfg := testConfig(itoa(port))
	cfg.ReadTimeout = 300 * time.Millisecond
	rec := newRecorder()
	start(t, cfg, rec.onTouch)
	c, err := net.Dial("tcp", "127.0.0.1:"+itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil || len(got) != 0 {
		t.Errorf("read %q, %v; want nothing, then EOF", got, err)
	}
	if tc := rec.next(t, nil); tc.Banner != "" || string(tc.First) != "GET / HTTP/1.0\r\n\r\n" {
		t.Errorf("touch %+v", tc)
	}
}
