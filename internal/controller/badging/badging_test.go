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
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kos-dev/union-operator/internal/agents"
	"github.com/kos-dev/union-operator/internal/badge"
)

func TestWritersEachReportsEveryWriteAndBoundsThoseInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := newWriters(3)
	stopped := make(chan error)
	go func() { stopped <- w.Start(ctx) }()

	var inFlight, most atomic.Int32
	errs := w.each(ctx, 50, func(i int) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if i%7 == 0 {
			return fmt.Errorf("write %d", i)
		}
		return nil
	})
	for i, err := range errs {
		if want := i%7 == 0; (err != nil) != want || want && err.Error() != fmt.Sprintf("write %d", i) {
			t.Errorf("write %d reported %v", i, err)
		}
	}
	if m := most.Load(); m > 3 {
		t.Errorf("%d writes were in flight at once, want at most 3", m)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Errorf("Start returned %v", err)
	}
}

func TestWritersEachGivesUpWhenItsContextEnds(t *testing.T) {
	w := newWriters(2) // never started: no writer takes a write
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var ran atomic.Int32
	errs := w.each(ctx, 4, func(int) error { ran.Add(1); return nil })
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("write %d reported %v, want the context's error", i, err)
		}
	}
	if n := ran.Load(); n != 0 {
		t.Errorf("%d writes ran after the context ended", n)
	}
}

func TestResourcesOfTheKindsTheBadgeEngineWrites(t *testing.T) {
	want := map[string]string{
		"Namespace":   "namespaces",
		"Deployment":  "deployments",
		"StatefulSet": "statefulsets",
		"DaemonSet":   "daemonsets",
		"Pod":         "pods",
	}
	kinds := append([]schema.GroupVersionKind{{Version: "v1", Kind: "Namespace"}}, agents.Kinds...)
	if len(resources) != len(kinds) {
		t.Fatalf("resources of %d kinds, want the %d it writes", len(resources), len(kinds))
	}
	for _, gvk := range kinds {
		gvr, err := resourceOf(gvk)
		if err != nil || gvr.Resource != want[gvk.Kind] || gvr.Group != gvk.Group || gvr.Version != gvk.Version {
			t.Errorf("%v: resource %v (%v), want %s", gvk, gvr, err, want[gvk.Kind])
		}
	}
	if _, err := resourceOf(schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}); err == nil {
		t.Error("a kind the badge engine does not write was given a resource")
	}
}

func TestInflightForgetsSettledWritesAndDropsItsTable(t *testing.T) {
	f := newInflight()
	want := badge.Labels{Badges: badge.Set{"alliance.unions.kos.dev/crew": "member"}}
	objs := make([]*metav1.PartialObjectMetadata, 100)
	for i := range objs {
		objs[i] = &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
			UID: types.UID(fmt.Sprint("uid-", i)), ResourceVersion: "1",
		}}
		f.record(objs[i], want)
	}
	if !f.pending(objs[0], want) {
		t.Fatal("a write the cache has not seen is not pending")
	}
	moved := objs[1].DeepCopy()
	moved.ResourceVersion = "2"
	if f.pending(moved, want) {
		t.Error("a write the cache has seen is still pending")
	}
	for _, o := range objs {
		f.settle(o)
	}
	if f.m != nil {
		t.Errorf("the table of %d writes outlives them (%d left): a map never shrinks", len(objs), len(f.m))
	}
	if f.pending(objs[0], want) {
		t.Error("a settled write is pending")
	}
	f.record(objs[0], want)
	if !f.pending(objs[0], want) {
		t.Error("a write recorded after the table was dropped is not pending")
	}
}

func TestInflightForgetsWritesToObjectsNoLongerListed(t *testing.T) {
	f := newInflight()
	want := badge.Labels{Badges: badge.Set{"alliance.unions.kos.dev/crew": "member"}}
	obj := func(ns, name string) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(ns + "/" + name), ResourceVersion: "1"}}
	}
	kept, gone, elsewhere := obj("team-a", "kept"), obj("team-a", "gone"), obj("team-b", "other")
	namespace := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "team-a", UID: "ns-team-a", ResourceVersion: "1"}}
	for _, o := range []*metav1.PartialObjectMetadata{kept, gone, elsewhere, namespace} {
		f.record(o, want)
	}
	f.keepListed("team-a", namespace, []*metav1.PartialObjectMetadata{kept})
	if f.pending(gone, want) {
		t.Error("a write to an object deleted before the cache saw it is still held")
	}
	if !f.pending(kept, want) || !f.pending(namespace, want) || !f.pending(elsewhere, want) {
		t.Error("a write to a listed object, the namespace itself, or another namespace's object was forgotten")
	}
	f.keepListed("team-a", nil, nil)
	f.keepListed("team-b", nil, nil)
	if f.m != nil {
		t.Errorf("writes of deleted namespaces are held: %v", f.m)
	}
}
