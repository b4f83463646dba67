package main

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// quietLogger drops go-redis's internal log lines. Inside a host process
// (Python) they would land on its stderr unasked for, e.g. "failed to dial"
// repeated after a failed open; every failure already reaches the caller as
// a status code and message, so nothing is lost.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...interface{}) {}

func init() { redis.SetLogger(quietLogger{}) }
