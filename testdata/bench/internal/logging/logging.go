// Package logging sets up the service's loggers: zap for the service,
// logrus for the libraries that want one.
package logging

import (
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// New returns a zap logger at level, and points logrus at the same level.
func New(level string, json bool) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	cfg := zap.NewProductionConfig()
	if !json {
		cfg = zap.NewDevelopmentConfig()
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	if l, err := logrus.ParseLevel(level); err == nil {
		logrus.SetLevel(l)
	}
	if json {
		logrus.SetFormatter(&logrus.JSONFormatter{})
	}
	return cfg.Build()
}
