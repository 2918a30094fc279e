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
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kos-dev/union-operator/internal/badge"
)

// inflight remembers badge writes the cache has not caught up with yet. A
// namespace is often reconciled again before the watch delivers the result of
// its last writes (new Pods keep arriving); without this, that reconcile
// would see the old labels and write the same badges a second time.
type inflight struct {
	mu sync.Mutex
	m  map[types.UID]written
}

// written is a write the cache had not seen when last looked at.
type written struct {
	// namespace is the object's namespace (a Namespace's own name).
	namespace string
	// staleVersion is the resourceVersion the object had before the write.
	staleVersion string
	want         string
}

func newInflight() *inflight { return &inflight{} }

// pending reports whether want was already written to obj and the cache still
// holds the version from before that write: the write is on its way.
func (f *inflight) pending(obj metav1.Object, want badge.Labels) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	w, ok := f.m[obj.GetUID()]
	if !ok {
		return false
	}
	if w.staleVersion == obj.GetResourceVersion() && w.want == want.String() {
		return true
	}
	// The cache moved on (or the wish changed): judge the object afresh.
	f.forget(obj.GetUID())
	return false
}

// record notes that want was written to obj, as observed at its current version.
func (f *inflight) record(obj metav1.Object, want badge.Labels) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[types.UID]written{}
	}
	f.m[obj.GetUID()] = written{namespace: scope(obj), staleVersion: obj.GetResourceVersion(), want: want.String()}
}

// keepListed forgets the writes to the Namespace named namespace and the
// objects in it that are not ns nor among listed: objects deleted before the
// cache saw the write, which no later look settles (nil ns: the namespace
// itself is gone).
func (f *inflight) keepListed(namespace string, ns *metav1.PartialObjectMetadata, listed []*metav1.PartialObjectMetadata) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.m) == 0 {
		return
	}
	present := make(map[types.UID]bool, len(listed)+1)
	if ns != nil {
		present[ns.GetUID()] = true
	}
	for _, o := range listed {
		present[o.GetUID()] = true
	}
	for uid, w := range f.m {
		if w.namespace == namespace && !present[uid] {
			f.forget(uid)
		}
	}
}

// scope is the namespace an object's writes are kept under: its own, or a
// Namespace's name.
func scope(obj metav1.Object) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns
	}
	return obj.GetName()
}

// settle forgets obj: its labels are as wanted.
func (f *inflight) settle(obj metav1.Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forget(obj.GetUID())
}

// forget drops uid's write; the last one drops the map, whose table a burst
// of writes grew to one slot per object written and which never shrinks.
func (f *inflight) forget(uid types.UID) {
	delete(f.m, uid)
	if len(f.m) == 0 {
		f.m = nil
	}
}
