package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// timeoutError is a call that ran out of time, with what that means for the
// operator. Redis accepted our connection (else it would be a connection
// error) but did not answer in time: frozen (a fork for a snapshot on a
// large dataset, a paused VM), overloaded, or a network path that drops
// packets. It unwraps to the original error, so statusOf still sees it.
type timeoutError struct {
	err  error
	hint string
}

func (e *timeoutError) Error() string { return e.err.Error() + ": " + e.hint }
func (e *timeoutError) Unwrap() error { return e.err }

// writeOps may have been applied when their answer did not come back.
var writeOps = map[int32]bool{opUpsert: true, opDelete: true, opDrop: true, opRepair: true}

// explainTimeout adds the hint to err if it is a timeout; other errors pass
// through unchanged.
func explainTimeout(err error, op int32, sc *sharedClient) error {
	if statusOf(err) != statusTimeout {
		return err
	}
	hint := fmt.Sprintf("Redis accepted the connection but did not answer within read_timeout %s "+
		"(the whole call within operation_timeout %s): the server is frozen, overloaded, "+
		"or a network path is dropping packets", seconds(sc.readTimeout), seconds(sc.callTimeout))
	if errors.Is(err, redis.ErrPoolTimeout) {
		hint = fmt.Sprintf("every connection of the pool (pool_size) stayed busy past the wait for one; "+
			"Redis is slow to answer or the pool is too small (operation_timeout %s)", seconds(sc.callTimeout))
	}
	if writeOps[op] {
		hint += "; outcome unknown: the write may have been applied (re-sending it is safe, writes are idempotent)"
	} else {
		hint += "; nothing was written"
	}
	return &timeoutError{err: err, hint: hint}
}

// seconds prints a duration as the settings take it, in seconds.
func seconds(d time.Duration) string { return fmt.Sprintf("%gs", d.Seconds()) }
