// Package writetime passes how long each of a store's writes took to
// whoever asked to hear it (the metrics), for both stores alike.
package writetime

import (
	"sync/atomic"
	"time"
)

// Observer holds the function that hears of writes; its zero value has
// none, and costs a load per write.
type Observer struct {
	f atomic.Pointer[func(time.Duration)]
}

// Set has f hear of every write from now on; nil stops it.
func (o *Observer) Set(f func(time.Duration)) {
	if f == nil {
		o.f.Store(nil)
		return
	}
	o.f.Store(&f)
}

// Since tells the function, if any, of a write that began at start and
// has just ended.
func (o *Observer) Since(start time.Time) {
	if f := o.f.Load(); f != nil {
		(*f)(time.Since(start))
	}
}
