// Package config reads the service's YAML configuration.
package config

import (
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the service configuration.
type Config struct {
	GRPCAddr    string        `yaml:"grpc_addr"`
	HTTPAddr    string        `yaml:"http_addr"`
	MetricsAddr string        `yaml:"metrics_addr"`
	LogLevel    string        `yaml:"log_level"`
	LogJSON     bool          `yaml:"log_json"`
	Timeout     time.Duration `yaml:"timeout"`
	Store       Store         `yaml:"store"`
}

// Store says where data lives: "bolt" (a file), "redis" or "mysql".
type Store struct {
	Kind string `yaml:"kind"`
	DSN  string `yaml:"dsn"`
}

// Load reads and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &Config{GRPCAddr: ":9090", HTTPAddr: ":8080", MetricsAddr: ":9100", LogLevel: "info", Timeout: 5 * time.Second}
	if err := yaml.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch c.Store.Kind {
	case "", "bolt", "redis", "mysql":
	default:
		return nil, fmt.Errorf("%s: unknown store kind %q", path, c.Store.Kind)
	}
	return c, nil
}
