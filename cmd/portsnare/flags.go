package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// configFlag is a command-line flag that sets a configuration key. Only the
// most used keys have one; every key has an environment variable.
type configFlag struct {
	name  string // without the dashes
	key   string
	short string // one-letter form, if any
}

// globalFlags are on every command.
var globalFlags = []configFlag{
	{name: "log-level", key: "log.level"},
	{name: "log-format", key: "log.format"},
}

// engineFlags are on the commands that run the detection engine, and on
// check-config so that it checks exactly what those commands would use.
var engineFlags = []configFlag{
	{name: "sensor-name", key: "sensor.name"},
	{name: "max-sources", key: "detect.max_sources"},
	{name: "idle-timeout", key: "detect.idle_timeout"},
	{name: "failed-contacts", key: "detect.failed_contacts"},
	{name: "vertical-ports", key: "detect.vertical_ports"},
	{name: "horizontal-hosts", key: "detect.horizontal_hosts"},
	{name: "allowlist", key: "allowlist.file"},
}

// runFlags are on portsnare run (and check-config).
var runFlags = []configFlag{
	{name: "interface", key: "capture.interfaces", short: "i"},
	{name: "metrics-listen", key: "metrics.listen"},
}

// natsFlags are on portsnare alerts and replay (where giving it turns
// publishing on).
var natsFlags = []configFlag{
	{name: "nats", key: "nats.urls"},
}

// allConfigFlags lists every flag that sets a key.
func allConfigFlags() []configFlag {
	return slices.Concat(globalFlags, engineFlags, runFlags, natsFlags, blockFlags)
}

// flagForKey returns the flag that sets key, if there is one.
func flagForKey(key string) (configFlag, bool) {
	for _, f := range allConfigFlags() {
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
			fs.StringP(f.name, f.short, *def, usage)
		case *int:
			fs.IntP(f.name, f.short, *def, usage)
		case *float64:
			fs.Float64P(f.name, f.short, *def, usage)
		case *time.Duration:
			fs.DurationP(f.name, f.short, *def, usage)
		case *bool:
			fs.BoolP(f.name, f.short, *def, usage)
		case *[]string:
			fs.StringSliceP(f.name, f.short, *def, usage)
		default:
			panic(fmt.Sprintf("flag --%s: unsupported field type %T", f.name, def))
		}
	}
}
