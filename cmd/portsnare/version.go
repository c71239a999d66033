package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Long:    versionLong,
		Example: versionExample,
		Args:    cobra.NoArgs,
		RunE: action(func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(a.stdout, versionString())
			return err
		}),
	}
}

// versionString is "portsnare v1.2.3 (commit 0123456789ab, go1.26.0 linux/amd64)".
func versionString() string {
	v, commit, dirty := version, "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version // "(devel)" when built inside the source tree
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && len(s.Value) >= 12:
				commit = "commit " + s.Value[:12]
			case s.Key == "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if commit != "" && dirty {
		commit += "+dirty"
	}
	if v == "" {
		v = "(unknown)"
	}
	details := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if commit != "" {
		details = commit + ", " + details
	}
	return "portsnare " + v + " (" + details + ")"
}
