package main

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/portsnare/portsnare/detect"
)

// TestEveryFieldHasAKey fails when detect.Config (or LogConfig) gains a
// field that no key fills: the new knob would otherwise be unreachable.
func TestEveryFieldHasAKey(t *testing.T) {
	var c Config
	mapped := map[uintptr]string{}
	for _, s := range settings {
		p := reflect.ValueOf(s.field(&c)).Pointer()
		if other, dup := mapped[p]; dup {
			t.Errorf("%s and %s fill the same field", s.key, other)
		}
		mapped[p] = s.key
	}
	// Fields filled from other keys or by the sensor itself.
	derived := map[string]bool{
		"DarkPorts": true, // detect's copy of honeyport.dark_ports (see loadConfig)
		"DarkHosts": true, // the live sensor's own addresses
		"Evidence":  true, // the fleet evidence sink, set by run when fleet.enabled
		"Reordered": true, // set by the live sensor when it reads several capture sockets
	}
	for _, st := range []reflect.Value{reflect.ValueOf(&c.Detect).Elem(), reflect.ValueOf(&c.Honeyport).Elem(), reflect.ValueOf(&c.Log).Elem()} {
		for i := range st.NumField() {
			if st.Type() == reflect.TypeFor[detect.Config]() && derived[st.Type().Field(i).Name] {
				continue
			}
			if _, ok := mapped[st.Field(i).Addr().Pointer()]; !ok {
				t.Errorf("%s.%s has no configuration key: add it to settings in config.go", st.Type(), st.Type().Field(i).Name)
			}
		}
	}
}

func TestKeysAreWellFormed(t *testing.T) {
	keyRE := regexp.MustCompile(`^[a-z]+\.[a-z][a-z0-9_]*$`)
	seen := map[string]bool{}
	for _, s := range settings {
		if !keyRE.MatchString(s.key) {
			t.Errorf("%q is not section.snake_case", s.key)
		}
		if sec, _, _ := strings.Cut(s.key, "."); !isSection(sec) {
			t.Errorf("%s: section %q is not in sections", s.key, sec)
		}
		if seen[s.key] {
			t.Errorf("%s twice", s.key)
		}
		seen[s.key] = true
		if s.doc == "" || strings.Contains(s.doc, "\n") || !strings.HasSuffix(s.doc, ".") {
			t.Errorf("%s: doc must be one sentence on one line", s.key)
		}
	}
}

// TestDetectKeysAreValidateNames ties each detect.* key to the name detect's
// own Validate uses for the field, so messages and keys never disagree.
func TestDetectKeysAreValidateNames(t *testing.T) {
	for _, s := range settings {
		if !strings.HasPrefix(s.key, "detect.") {
			continue
		}
		c := defaultConfig()
		c.Detect.Sensor = "test"
		switch f := s.field(&c).(type) { // a negative value is invalid for every field
		case *int:
			*f = -1
		case *float64:
			*f = -1
		case *time.Duration:
			*f = -1
		default:
			t.Fatalf("%s: unexpected type %T", s.key, f)
		}
		ps := c.validate()
		if len(ps) == 0 {
			t.Errorf("%s = -1 passes validation", s.key)
			continue
		}
		if !slicesContainsKey(ps, s.key) {
			t.Errorf("%s = -1: no problem names the key: %v", s.key, ps)
		}
	}
}

func slicesContainsKey(ps []problem, key string) bool {
	for _, p := range ps {
		if p.key == key && strings.HasPrefix(p.text, key+" ") {
			return true
		}
	}
	return false
}

// TestDefaultsComeFromDetect: with nothing configured, the engine gets
// detect's defaults, and the sensor is named after the host.
func TestDefaultsComeFromDetect(t *testing.T) {
	cfg, err := loadConfig("", pflag.NewFlagSet("test", pflag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	want := detect.DefaultConfig()
	want.Sensor = hostname()
	if !reflect.DeepEqual(cfg.Detect, want) {
		t.Errorf("got  %+v\nwant %+v", cfg.Detect, want)
	}
	if cfg.Log != (LogConfig{Level: "info", Format: "text"}) {
		t.Errorf("log defaults: %+v", cfg.Log)
	}
}

// load runs loadConfig with a YAML file (none if empty) and the engine's and
// global flags parsed from args.
func load(t *testing.T, yaml string, args ...string) (Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	addConfigFlags(fs, globalFlags)
	addConfigFlags(fs, engineFlags)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	path := ""
	if yaml != "" {
		path = writeFile(t, "portsnare.yaml", yaml)
	}
	return loadConfig(path, fs)
}

func TestPrecedence(t *testing.T) {
	const file = `
sensor:
  name: from-file
detect:
  vertical_ports: 10
  horizontal_hosts: 11
  ping_hosts: 12
  idle_timeout: 1h
log:
  level: warn
`
	t.Setenv("PORTSNARE_DETECT_VERTICAL_PORTS", "20")
	t.Setenv("PORTSNARE_DETECT_HORIZONTAL_HOSTS", "21")
	t.Setenv("PORTSNARE_DETECT_IDLE_TIMEOUT", "90m")
	t.Setenv("PORTSNARE_LOG_LEVEL", "error")
	cfg, err := load(t, file, "--vertical-ports=30", "--log-level=debug")
	if err != nil {
		t.Fatal(err)
	}
	def := detect.DefaultConfig()
	for _, c := range []struct {
		key       string
		got, want any
	}{
		{"detect.vertical_ports (flag > env > file)", cfg.Detect.VerticalPorts, 30},
		{"detect.horizontal_hosts (env > file)", cfg.Detect.HorizontalHosts, 21},
		{"detect.idle_timeout (env > file)", cfg.Detect.IdleTimeout, 90 * time.Minute},
		{"detect.ping_hosts (file > default)", cfg.Detect.PingHosts, 12},
		{"sensor.name (file > default)", cfg.Detect.Sensor, "from-file"},
		{"detect.block_contacts (default)", cfg.Detect.BlockContacts, def.BlockContacts},
		{"log.level (global flag > env > file)", cfg.Log.Level, "debug"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.key, c.got, c.want)
		}
	}
}

// problems returns the lines of a *configError, failing the test for any
// other outcome.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ce *configError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *configError, got %v", err)
	}
	return ce.problems
}

// wantProblems checks that every fragment appears in some problem line.
func wantProblems(t *testing.T, got []string, fragments ...string) {
	t.Helper()
	all := strings.Join(got, "\n")
	for _, f := range fragments {
		if !strings.Contains(all, f) {
			t.Errorf("no problem mentions %q; got:\n%s", f, all)
		}
	}
}

func TestUnknownKeysRejectedByName(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"detect:\n  vertical_port: 10\n", "detect.vertical_port: unknown key in "},
		{"detect:\n  vertical_port: 10\n", "(did you mean detect.vertical_ports?)"},
		{"sensor:\n  vertical_ports: 10\n", "sensor.vertical_ports: unknown key"},
		{"kafka:\n  brokers: 127.0.0.1:9092\n  topic: X\n", "kafka: unknown section"},
		{"detect:\n  extra:\n    deep: 1\n", "detect.extra: unknown key"},
		{"detect: 5\n", "detect: expected a mapping of keys, got 5"},
	} {
		_, err := load(t, c.yaml)
		ps := problems(t, err)
		wantProblems(t, ps, c.want)
		if len(ps) != 1 {
			t.Errorf("%q: want exactly one problem, got %q", c.yaml, ps)
		}
	}
}

func TestUnknownEnvRejectedByName(t *testing.T) {
	t.Setenv("PORTSNARE_DETECT_VERTICAL_PORT", "10")
	t.Setenv("PORTSNARE_NATS_URL", "nats://127.0.0.1:4222")
	_, err := load(t, "")
	wantProblems(t, problems(t, err),
		"PORTSNARE_DETECT_VERTICAL_PORT: unknown environment variable",
		"did you mean PORTSNARE_DETECT_VERTICAL_PORTS?",
		"PORTSNARE_NATS_URL: unknown environment variable")
}

func TestTypeErrorsNameKeyValueAndOrigin(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"detect:\n  vertical_ports: lots\n", `detect.vertical_ports: expected an integer, got "lots" (in `},
		{"detect:\n  vertical_ports: 2.5\n", `detect.vertical_ports: expected an integer, got 2.5`},
		{"detect:\n  vertical_ports: [1, 2]\n", `detect.vertical_ports: expected an integer, got a list`},
		{"detect:\n  recent_fraction: half\n", `detect.recent_fraction: expected a number, got "half"`},
		{"detect:\n  recent_fraction: .nan\n", `detect.recent_fraction: expected a number, got NaN`},
		{"detect:\n  idle_timeout: 7200\n", `detect.idle_timeout: expected a duration with a unit such as "2h", "5s" or "200ms", got 7200`},
		{"detect:\n  idle_timeout: two hours\n", `detect.idle_timeout: expected a duration such as "2h", "5s" or "200ms", got "two hours"`},
		{"sensor:\n  name: 42\n", `sensor.name: expected a string, got 42`},
		{"sensor: edge-1\n", `sensor: expected a mapping of keys, got "edge-1"`},
		{"log:\n  format: xml\n", `log.format: expected text or json, got "xml"`},
		{"detect:\n  shards: 0\n", `detect.shards must be positive, got 0 (in `},
	} {
		_, err := load(t, c.yaml)
		wantProblems(t, problems(t, err), c.want)
	}

	t.Setenv("PORTSNARE_DETECT_VERTICAL_PORTS", "lots")
	_, err := load(t, "")
	wantProblems(t, problems(t, err), `detect.vertical_ports: expected an integer, got "lots" (from environment PORTSNARE_DETECT_VERTICAL_PORTS)`)
}

func TestFileErrors(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	_, err := loadConfig("/nonexistent/portsnare.yaml", fs)
	wantProblems(t, problems(t, err), "config file: open /nonexistent/portsnare.yaml")

	_, err = load(t, "detect: {vertical_ports: 3\n")
	wantProblems(t, problems(t, err), "portsnare.yaml: yaml: line 1")
}

// A key written with no value is YAML null: the default stands.
func TestEmptyValueKeepsDefault(t *testing.T) {
	cfg, err := load(t, "detect:\n  vertical_ports:\nlog:\n")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Detect.VerticalPorts != detect.DefaultConfig().VerticalPorts {
		t.Errorf("vertical_ports = %d", cfg.Detect.VerticalPorts)
	}
}
