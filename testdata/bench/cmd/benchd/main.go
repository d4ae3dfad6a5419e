// Command benchd is the bench module's service: a cobra command that reads
// a YAML configuration and serves gRPC, HTTP (gin, h2c) and Prometheus
// metrics, with a bbolt, Redis or MySQL store.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"example.com/bench/internal/config"
	"example.com/bench/internal/logging"
	"example.com/bench/internal/server"
	"example.com/bench/internal/store"
	"example.com/bench/internal/telemetry"
)

func main() {
	var cfgPath string
	root := &cobra.Command{
		Use:   "benchd",
		Short: "serve the bench service",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			config.FromEnv(cfg)
			trace, shutdown, err := telemetry.Setup(cmd.Context(), "benchd")
			if err != nil {
				return err
			}
			defer shutdown(cmd.Context())
			log, err := logging.New(cfg.LogLevel, cfg.LogJSON)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), cfg.Store)
			if err != nil {
				return err
			}
			defer st.Close()
			return server.Run(cmd.Context(), cfg, log, st, trace)
		},
	}
	root.Flags().StringVarP(&cfgPath, "config", "c", "benchd.yaml", "configuration `file`")
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
