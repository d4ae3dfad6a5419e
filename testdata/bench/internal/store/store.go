// Package store keeps key/value pairs in bbolt, Redis or MySQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"

	"example.com/bench/internal/config"
)

// Store is a key/value store.
type Store interface {
	Get(ctx context.Context, key string) (string, error)
	Put(ctx context.Context, key, value string) error
	Close() error
}

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("not found")

// Open opens the store the configuration names.
func Open(ctx context.Context, c config.Store) (Store, error) {
	switch c.Kind {
	case "redis":
		opt, err := redis.ParseURL(c.DSN)
		if err != nil {
			return nil, err
		}
		rc := redis.NewClient(opt)
		if err := rc.Ping(ctx).Err(); err != nil {
			return nil, err
		}
		return &redisStore{rc}, nil
	case "mysql":
		mc, err := mysql.ParseDSN(c.DSN)
		if err != nil {
			return nil, err
		}
		db, err := sql.Open("mysql", mc.FormatDSN())
		if err != nil {
			return nil, err
		}
		return &sqlStore{db}, nil
	default:
		db, err := bolt.Open(c.DSN, 0o600, nil)
		if err != nil {
			return nil, err
		}
		return &boltStore{db}, nil
	}
}

type redisStore struct{ c *redis.Client }

func (s *redisStore) Get(ctx context.Context, key string) (string, error) {
	v, err := s.c.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	return v, err
}

func (s *redisStore) Put(ctx context.Context, key, value string) error {
	return s.c.Set(ctx, key, value, 0).Err()
}

func (s *redisStore) Close() error { return s.c.Close() }

type sqlStore struct{ db *sql.DB }

func (s *sqlStore) Get(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return v, err
}

func (s *sqlStore) Put(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, "REPLACE INTO kv (k, v) VALUES (?, ?)", key, value)
	return err
}

func (s *sqlStore) Close() error { return s.db.Close() }

type boltStore struct{ db *bolt.DB }

var bucket = []byte("kv")

func (s *boltStore) Get(_ context.Context, key string) (string, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return ErrNotFound
		}
		v = b.Get([]byte(key))
		if v == nil {
			return ErrNotFound
		}
		return nil
	})
	return string(v), err
}

func (s *boltStore) Put(_ context.Context, key, value string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return fmt.Errorf("bucket: %w", err)
		}
		return b.Put([]byte(key), []byte(value))
	})
}

func (s *boltStore) Close() error { return s.db.Close() }
