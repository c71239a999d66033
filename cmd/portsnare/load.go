package main

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/portsnare/portsnare/detect"
	"github.com/portsnare/portsnare/internal/confdecode"
)

// loadConfig builds the configuration from, in rising precedence, the
// defaults, the YAML file at path (none when path is empty), the PORTSNARE_*
// environment and those flags in fs that the user set. It does not stop at
// the first problem: it returns every one it finds — unknown keys and
// variables, values of the wrong type, values out of range — in one
// *configError.
func loadConfig(path string, fs *pflag.FlagSet) (Config, error) {
	l := &loader{v: viper.New(), path: path, flags: fs}
	return l.load()
}

// loader is one loadConfig call: the viper instance (never the global one,
// so that tests and commands cannot leak settings into each other) and what
// it needs to tell where a value came from.
type loader struct {
	v        *viper.Viper
	path     string
	flags    *pflag.FlagSet
	problems []string
}

func (l *loader) load() (Config, error) {
	defaults := defaultConfig()
	for _, s := range settings {
		l.v.SetDefault(s.key, reflect.ValueOf(s.field(&defaults)).Elem().Interface())
		// Bound explicitly rather than with AutomaticEnv so that the set of
		// variables is exactly the set of keys, which checkEnv relies on.
		if err := l.v.BindEnv(s.key, envName(s.key)); err != nil {
			return Config{}, err
		}
	}
	for _, f := range allConfigFlags() {
		if fl := l.flags.Lookup(f.name); fl != nil {
			if err := l.v.BindPFlag(f.key, fl); err != nil {
				return Config{}, err
			}
		}
	}

	l.checkEnv(os.Environ())
	if l.path != "" {
		l.v.SetConfigFile(l.path)
		l.v.SetConfigType("yaml") // whatever the file's extension
		if err := l.v.ReadInConfig(); err != nil {
			l.fileError(err)
		} else {
			l.checkKeys()
		}
	}

	cfg := defaults
	for _, s := range settings {
		raw := l.v.Get(s.key)
		if raw == nil {
			// Hidden by a section that is not a mapping (reported by
			// checkKeys) or written empty in YAML: the default stands.
			continue
		}
		for _, p := range decodeSetting(s.key, s.field(&cfg), raw) {
			l.problems = append(l.problems, p+l.origin(s.key))
		}
	}
	if cfg.Detect.Sensor == "" {
		cfg.Detect.Sensor = hostname()
	}
	// Dark ports are configured with the decoys and judged by the engine.
	// The hosts they are watched on are the live sensor's own addresses;
	// a replay, which does not know them, watches every destination.
	cfg.Detect.DarkPorts = cfg.Honeyport.DarkPorts
	for _, p := range cfg.validate() {
		text := p.text
		if p.key != "" {
			text += l.origin(p.key)
		}
		l.problems = append(l.problems, text)
	}

	if len(l.problems) > 0 {
		return cfg, &configError{problems: l.problems}
	}
	return cfg, nil
}

// testGateEnv turns on the project's end-to-end tests (CI sets it). It is
// no setting, but CI exports it to every process, the sensor included.
const testGateEnv = "PORTSNARE_E2E"

// checkEnv rejects PORTSNARE_* variables that name no key: a misspelt
// variable would otherwise be ignored without a word.
func (l *loader) checkEnv(environ []string) {
	known := make([]string, len(settings))
	for i, s := range settings {
		known[i] = envName(s.key)
	}
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if name == testGateEnv {
			continue
		}
		if strings.HasPrefix(name, envPrefix) && !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		l.problems = append(l.problems, name+": unknown environment variable, it names no configuration key"+suggest(name, known))
	}
}

// checkKeys rejects keys in the file that the model does not have, and
// sections that are not mappings. Only the file can bring unknown keys into
// viper: defaults, variables and flags are bound for known keys only.
func (l *loader) checkKeys() {
	keys := make([]string, 0, len(settings)+len(sections))
	for _, s := range settings {
		keys = append(keys, s.key)
	}
	for _, s := range sections {
		keys = append(keys, s.name)
	}
	seen := map[string]bool{}
	all := l.v.AllKeys()
	slices.Sort(all) // map order otherwise: keep the report stable
	for _, k := range all {
		if _, ok := lookupSetting(k); ok {
			continue
		}
		if isSection(k) {
			if _, ok := l.v.Get(k).(map[string]any); !ok {
				l.problems = append(l.problems, fmt.Sprintf("%s: expected a mapping of keys, got %s (in %s)", k, confdecode.Describe(l.v.Get(k)), l.path))
			}
			continue
		}
		// Report the outermost unknown part: "kafka" for kafka.brokers, so that an
		// unknown section is one problem and not one per key inside it.
		parts := strings.Split(k, ".")
		for i := 1; i <= len(parts); i++ {
			p := strings.Join(parts[:i], ".")
			if _, ok := lookupSetting(p); ok {
				break // a known key holding a mapping: decode reports its type
			}
			if isSection(p) {
				continue
			}
			if !seen[p] {
				seen[p] = true
				what := "unknown key"
				if i == 1 {
					what = "unknown section"
				}
				l.problems = append(l.problems, fmt.Sprintf("%s: %s in %s%s", p, what, l.path, suggest(p, keys)))
			}
			break
		}
	}
}

// fileError reports a file that could not be read or parsed; there is then
// nothing in it to check, but the environment and flags are still checked.
func (l *loader) fileError(err error) {
	var pe viper.ConfigParseError
	if errors.As(err, &pe) {
		err = pe.Unwrap() // drop viper's "While parsing config:"
	}
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		l.problems = append(l.problems, "config file: "+err.Error())
		return
	}
	l.problems = append(l.problems, "config file "+l.path+": "+err.Error())
}

// origin tells where key's value came from, in viper's order of precedence,
// so that a bad value is easy to find; nothing for a default.
func (l *loader) origin(key string) string {
	if f, ok := flagForKey(key); ok {
		if fl := l.flags.Lookup(f.name); fl != nil && fl.Changed {
			return " (from flag --" + f.name + ")"
		}
	}
	if os.Getenv(envName(key)) != "" { // viper ignores empty variables too
		return " (from environment " + envName(key) + ")"
	}
	if l.path != "" && l.v.InConfig(key) {
		return " (in " + l.path + ")"
	}
	return ""
}

func isSection(name string) bool {
	return slices.ContainsFunc(sections, func(s section) bool { return s.name == name })
}

// hostname is the default sensor name: the host's name, or detect's own
// default when the host has none.
func hostname() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return detect.DefaultConfig().Sensor
}
