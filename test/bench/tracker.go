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

package main

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
)

// tracker follows the labels of the bench's agent objects through a
// metadata-only watch and tells when every one of them carries (or lacks) a
// label: that moment ends a convergence measurement.
type tracker struct {
	mu     sync.Mutex
	labels map[types.UID]map[string]string
	want   int
	goal   *goal
}

// goal is one "every object has key=value" (or "no object has key") wait.
type goal struct {
	key, value string
	present    bool
	matching   int
	done       chan struct{}
	// at is when the watch delivered the event that completed the goal.
	at time.Time
	// marks are when the share progressShares[i] of the objects matched.
	marks []time.Time
	need  []int
	// mu is the tracker's lock, which guards matching.
	mu *sync.Mutex
}

// progressShares are the points of a run's progress curve.
var progressShares = []float64{0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1}

// progress is how long after t0 each share of the objects matched.
func (g *goal) progress(t0 time.Time) map[string]float64 {
	out := map[string]float64{}
	for i, at := range g.marks {
		if !at.IsZero() {
			out[fmt.Sprintf("%g%%", progressShares[i]*100)] = at.Sub(t0).Seconds()
		}
	}
	return out
}

func (g *goal) matches(l map[string]string) bool {
	v, ok := l[g.key]
	if g.present {
		return ok && v == g.value
	}
	return !ok
}

// waitTimeout bounds every convergence wait.
const waitTimeout = 10 * time.Minute

// wait returns when the goal was met.
func (g *goal) wait(ctx context.Context) (time.Time, error) {
	select {
	case <-g.done:
		return g.at, nil
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	case <-time.After(waitTimeout):
		g.mu.Lock()
		defer g.mu.Unlock()
		return time.Time{}, fmt.Errorf("%w after %s: %d of the objects have %s", errTimeout, waitTimeout, g.matching, g)
	}
}

func (g *goal) String() string {
	if g.present {
		return g.key + "=" + g.value
	}
	return "no " + g.key
}

func newTracker(want int) *tracker {
	return &tracker{labels: make(map[types.UID]map[string]string, want), want: want}
}

func (t *tracker) observe(obj any) {
	o, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	old, had := t.labels[o.GetUID()]
	t.labels[o.GetUID()] = o.GetLabels()
	if g := t.goal; g != nil {
		if had && g.matches(old) {
			g.matching--
		}
		if g.matches(o.GetLabels()) {
			g.matching++
			for i, n := range g.need {
				if g.marks[i].IsZero() && g.matching >= n {
					g.marks[i] = now
				}
			}
		}
		t.check(now)
	}
}

func (t *tracker) forget(obj any) {
	if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	o, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, had := t.labels[o.GetUID()]; had {
		if t.goal != nil && t.goal.matches(old) {
			t.goal.matching--
		}
		delete(t.labels, o.GetUID())
	}
}

// setWant sets how many objects a goal waits for.
func (t *tracker) setWant(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.want = n
}

// check closes the goal once every expected object matches; t.mu is held.
func (t *tracker) check(now time.Time) {
	g := t.goal
	if g.matching == t.want && len(t.labels) == t.want && g.at.IsZero() {
		g.at = now
		close(g.done)
	}
}

// expect sets the goal the next measurement waits for.
func (t *tracker) expect(key, value string, present bool) *goal {
	g := &goal{key: key, value: value, present: present, done: make(chan struct{}), marks: make([]time.Time, len(progressShares)), mu: &t.mu}
	for _, share := range progressShares {
		g.need = append(g.need, int(math.Ceil(share*float64(t.want))))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range t.labels {
		if g.matches(l) {
			g.matching++
		}
	}
	t.goal = g
	t.check(time.Now())
	return g
}

func (t *tracker) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.labels)
}
