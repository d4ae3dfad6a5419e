package config

import (
	"strings"

	"github.com/spf13/viper"
)

// FromEnv overrides c with BENCHD_* environment variables (BENCHD_HTTP_ADDR,
// BENCHD_STORE_DSN, ...), read with viper.
func FromEnv(c *Config) {
	v := viper.New()
	v.SetEnvPrefix("benchd")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	for key, dst := range map[string]*string{
		"grpc_addr": &c.GRPCAddr, "http_addr": &c.HTTPAddr, "metrics_addr": &c.MetricsAddr,
		"log_level": &c.LogLevel, "store.kind": &c.Store.Kind, "store.dsn": &c.Store.DSN,
	} {
		if s := v.GetString(key); s != "" {
			*dst = s
		}
	}
	if v.IsSet("timeout") {
		c.Timeout = v.GetDuration("timeout")
	}
}
