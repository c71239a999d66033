package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// configFlag is a command-line flag that sets a configuration key. Only the
// most used keys have one; every key has an environment variable.
type configFlag struct {
	name string // without the dashes
	key  string
}

// globalFlags are on every command.
var globalFlags = []configFlag{
	{"log-level", "log.level"},
	{"log-format", "log.format"},
}

// engineFlags are on the commands that run the detection engine, and on
// check-config so that it checks exactly what those commands would use.
var engineFlags = []configFlag{
	{"sensor-name", "sensor.name"},
	{"max-sources", "detect.max_sources"},
	{"idle-timeout", "detect.idle_timeout"},
	{"failed-contacts", "detect.failed_contacts"},
	{"vertical-ports", "detect.vertical_ports"},
	{"horizontal-hosts", "detect.horizontal_hosts"},
}

// flagForKey returns the flag that sets key, if there is one.
func flagForKey(key string) (configFlag, bool) {
	for _, f := range append(globalFlags[:len(globalFlags):len(globalFlags)], engineFlags...) {
		if f.key == key {
			return f, true
		}
	}
	return configFlag{}, false
}

// addConfigFlags defines flags on fs, typed after the field their key fills,
// with the key's default and documentation, so that a flag can never
// disagree with its key.
func addConfigFlags(fs *pflag.FlagSet, flags []configFlag) {
	defaults := defaultConfig()
	for _, f := range flags {
		s, ok := lookupSetting(f.key)
		if !ok {
			panic("flag --" + f.name + " for unknown key " + f.key)
		}
		usage := strings.TrimSuffix(s.doc, ".") + " [" + s.key + "]"
		switch def := s.field(&defaults).(type) {
		case *string:
			fs.String(f.name, *def, usage)
		case *int:
			fs.Int(f.name, *def, usage)
		case *float64:
			fs.Float64(f.name, *def, usage)
		case *time.Duration:
			fs.Duration(f.name, *def, usage)
		default:
			panic(fmt.Sprintf("flag --%s: unsupported field type %T", f.name, def))
		}
	}
}
