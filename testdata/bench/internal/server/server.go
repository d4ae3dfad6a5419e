// Package server runs the service: gRPC (health and reflection), the HTTP
// API and the Prometheus metrics endpoint.
package server

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"example.com/bench/internal/config"
	"example.com/bench/internal/store"
	"example.com/bench/internal/web"
)

var requests = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "benchd_grpc_requests_total",
	Help: "gRPC requests by method.",
}, []string{"method"})

// Run serves until ctx is done or a server fails; opts are extra gRPC
// server options (tracing).
func Run(ctx context.Context, cfg *config.Config, log *zap.Logger, st store.Store, opts ...grpc.ServerOption) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(requests, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	opts = append(opts, grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		requests.WithLabelValues(info.FullMethod).Inc()
		return h(ctx, req)
	}))
	gs := grpc.NewServer(opts...)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)

	api := &http.Server{Addr: cfg.HTTPAddr, Handler: web.Handler(st)}
	metrics := &http.Server{Addr: cfg.MetricsAddr, Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		lis, err := net.Listen("tcp", cfg.GRPCAddr)
		if err != nil {
			return err
		}
		log.Info("grpc", zap.String("addr", cfg.GRPCAddr))
		return gs.Serve(lis)
	})
	for _, s := range []*http.Server{api, metrics} {
		g.Go(func() error {
			log.Info("http", zap.String("addr", s.Addr))
			if err := s.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		<-ctx.Done()
		gs.GracefulStop()
		_ = api.Shutdown(context.Background())
		_ = metrics.Shutdown(context.Background())
		return nil
	})
	return g.Wait()
}

// Dial connects to a benchd gRPC server and checks its health.
func Dial(ctx context.Context, addr string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return 0, err
	}
	defer cc.Close()
	resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return 0, err
	}
	return resp.GetStatus(), nil
}
