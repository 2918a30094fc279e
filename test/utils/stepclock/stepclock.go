/*
Copyright 2026 The union-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package stepclock is a clock for tests that runs with real time and can be
// stepped forward: a test moves time by 72h in an instant, and every timer
// whose deadline that passes fires, so work queues hand back requests that
// wait for a deadline exactly when it is reached. Failure backoffs keep
// running in real time, so transient errors still retry.
package stepclock

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Clock is real time plus an offset that only grows.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	timers map[*timer]struct{}
}

var _ clock.WithTicker = &Clock{}

// New returns a clock at real time.
func New() *Clock { return &Clock{timers: map[*timer]struct{}{}} }

// Now implements clock.PassiveClock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Since implements clock.PassiveClock.
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Step moves the clock forward by d and fires every timer now due.
func (c *Clock) Step(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	now := time.Now().Add(c.offset)
	var due []*timer
	for t := range c.timers {
		if !now.Before(t.deadline) {
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	for _, t := range due {
		t.fire()
	}
}

// SetTo moves the clock forward to t (never backwards).
func (c *Clock) SetTo(t time.Time) {
	if d := t.Sub(c.Now()); d > 0 {
		c.Step(d)
	}
}

// After implements clock.Clock.
func (c *Clock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

// Sleep implements clock.Clock.
func (c *Clock) Sleep(d time.Duration) { <-c.After(d) }

// Tick implements clock.Clock.
func (c *Clock) Tick(d time.Duration) <-chan time.Time { return c.NewTicker(d).C() }

// NewTicker implements clock.WithTicker; tickers run in real time (work
// queues use them only as a heartbeat).
func (c *Clock) NewTicker(d time.Duration) clock.Ticker {
	return clock.RealClock{}.NewTicker(d)
}

// NewTimer implements clock.Clock.
func (c *Clock) NewTimer(d time.Duration) clock.Timer {
	t := &timer{clock: c, ch: make(chan time.Time, 1)}
	t.start(d)
	return t
}

type timer struct {
	clock    *Clock
	ch       chan time.Time
	deadline time.Time
	real     *time.Timer
	fired    bool
}

func (t *timer) start(d time.Duration) {
	c := t.clock
	c.mu.Lock()
	t.deadline = time.Now().Add(c.offset + d)
	t.fired = false
	c.timers[t] = struct{}{}
	t.real = time.AfterFunc(d, t.fire)
	c.mu.Unlock()
}

func (t *timer) fire() {
	c := t.clock
	c.mu.Lock()
	if t.fired {
		c.mu.Unlock()
		return
	}
	t.fired = true
	delete(c.timers, t)
	t.real.Stop()
	now := time.Now().Add(c.offset)
	c.mu.Unlock()
	select {
	case t.ch <- now:
	default:
	}
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	wasActive := !t.fired
	t.fired = true
	delete(c.timers, t)
	t.real.Stop()
	return wasActive
}

func (t *timer) Reset(d time.Duration) bool {
	wasActive := t.Stop()
	t.start(d)
	return wasActive
}
