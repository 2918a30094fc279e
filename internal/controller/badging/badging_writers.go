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

package badging

import (
	"context"
	"sync"
)

// writers are the badge engine's long-lived write goroutines, shared by the
// reconciles of all namespaces: at most their number of badge writes are in
// flight at once. Long-lived rather than one goroutine per write, because a
// write runs deep in the HTTP/2 client and a fresh goroutine grows its stack
// to that depth for every write, which costs more than the write's encoding.
// They run as a manager Runnable (Start), next to the controller.
type writers struct {
	n    int
	jobs chan func()
}

func newWriters(n int) *writers {
	return &writers{n: max(n, 1), jobs: make(chan func())}
}

// Start runs the writers until ctx ends; a write under way is finished.
func (w *writers) Start(ctx context.Context) error {
	var wg sync.WaitGroup
	for range w.n {
		wg.Go(func() {
			for {
				select {
				case job := <-w.jobs:
					job()
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// each runs write(i) for every i below n on the writers and waits for all of
// them. Every write is tried, whatever happens to the others, and reports
// its own error at its index; once ctx ends, the writes not yet handed to a
// writer report ctx's error.
func (w *writers) each(ctx context.Context, n int, write func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		job := func() {
			defer wg.Done()
			errs[i] = write(i)
		}
		select {
		case w.jobs <- job:
		case <-ctx.Done():
			wg.Done()
			for j := i; j < n; j++ {
				errs[j] = ctx.Err()
			}
			wg.Wait()
			return errs
		}
	}
	wg.Wait()
	return errs
}
