package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"
)

func (a *app) checkConfigCommand() *cobra.Command {
	var printConfig bool
	cmd := &cobra.Command{
		Use:     "check-config [-c FILE] [flags]",
		Short:   "Validate the configuration, reporting every problem at once",
		Long:    checkConfigLong,
		Example: checkConfigExample,
		Args:    cobra.NoArgs,
		RunE: action(func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(a.configPath, cmd.Flags())
			if err != nil {
				return err
			}
			a.warnExpired(cfg)
			if printConfig {
				header := "# portsnare configuration in force (portsnare check-config --print).\n"
				_, err = fmt.Fprint(a.stdout, renderYAML(cfg, header))
				return err
			}
			_, err = fmt.Fprintln(a.stdout, "configuration OK")
			return err
		}),
	}
	cmd.Flags().BoolVar(&printConfig, "print", false, "print the configuration in force as commented YAML instead of \"configuration OK\"")
	// The engine's flags too, so that check-config checks exactly what
	// replay, run or block would use with the same command line.
	addConfigFlags(cmd.Flags(), slices.Concat(engineFlags, runFlags, blockFlags))
	return cmd
}
