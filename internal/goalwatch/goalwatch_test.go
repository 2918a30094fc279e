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

package goalwatch

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/goals"
)

var (
	jobs     = schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}
	cronJobs = schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "cronjobs"}
)

func jobRef(ns, name string) unionsv1.ObjectReference {
	return unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: ns, Name: name}
}

func completedJob(ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "batch/v1", "kind": "Job",
		"metadata": map[string]any{"namespace": ns, "name": name},
		"spec":     map[string]any{"parallelism": int64(1)},
		"status":   map[string]any{"conditions": []any{map[string]any{"type": "Complete", "status": "True"}}},
	}}
	return u
}

// fixture is goal watches over a fake API: Jobs are readable, CronJobs
// readable only when allowCronJobs is set; reviews counts access reviews.
type fixture struct {
	w             *Watches
	dyn           *dynamicfake.FakeDynamicClient
	queue         workqueue.TypedRateLimitingInterface[reconcile.Request]
	reviews       atomic.Int32
	allowCronJobs atomic.Bool
}

func newFixture(t *testing.T, objects ...runtime.Object) *fixture {
	t.Helper()
	f := &fixture{}
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}, meta.RESTScopeNamespace)
	mapper.Add(schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, meta.RESTScopeNamespace)
	mapper.Add(schema.GroupVersionKind{Group: "", Version: "v1", Kind: "Node"}, meta.RESTScopeRoot)
	c := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{
		Create: func(_ context.Context, _ client.WithWatch, obj client.Object, _ ...client.CreateOption) error {
			r := obj.(*authorizationv1.SelfSubjectAccessReview)
			f.reviews.Add(1)
			ra := r.Spec.ResourceAttributes
			r.Status.Allowed = ra.Resource == "jobs" || ra.Resource == "cronjobs" && f.allowCronJobs.Load()
			return nil
		},
	}).Build()
	f.dyn = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{jobs: "JobList", cronJobs: "CronJobList"}, objects...)
	f.w = New(c, mapper, f.dyn)
	f.queue = workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]())
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.queue.ShutDown() })
	if err := f.w.Start(ctx, f.queue); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) watchCount() int {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	return len(f.w.watches)
}

// trackUntil tracks until the object's tracking satisfies ok, or fails.
func (f *fixture) trackUntil(t *testing.T, coalition string, refs []unionsv1.ObjectReference, now time.Time, ok func(map[string]Tracking) bool) map[string]Tracking {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := f.w.Track(context.Background(), coalition, refs, now)
		if err != nil {
			t.Fatal(err)
		}
		if ok(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("tracking never satisfied the test: %+v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// drain returns the coalitions enqueued so far.
func (f *fixture) drain(t *testing.T, want int) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < want && time.Now().Before(deadline) {
		if f.queue.Len() == 0 {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		req, _ := f.queue.Get()
		got[req.Name] = true
		f.queue.Done(req)
	}
	return got
}

// flush empties the queue once the informers have settled.
func (f *fixture) flush() {
	time.Sleep(200 * time.Millisecond)
	for f.queue.Len() > 0 {
		req, _ := f.queue.Get()
		f.queue.Done(req)
	}
}

func TestGoalWatchesRunOneInformerPerKindAndNamespace(t *testing.T) {
	f := newFixture(t, completedJob("team-a", "rca"), completedJob("team-a", "unreferenced"))
	now := time.Now()
	rca, later, elsewhere := jobRef("team-a", "rca"), jobRef("team-a", "later"), jobRef("team-b", "x")
	seen := func(m map[string]Tracking) bool { return m[goals.Key(rca)].Object != nil }

	got := f.trackUntil(t, "one", []unionsv1.ObjectReference{rca}, now, seen)
	obj := got[goals.Key(rca)].Object
	if !goals.ConditionTrue(obj.Object, "Complete") {
		t.Errorf("watched object lost its conditions: %v", obj.Object)
	}
	if _, kept := obj.Object["spec"]; kept {
		t.Error("the watched object is not trimmed to its conditions")
	}
	f.trackUntil(t, "two", []unionsv1.ObjectReference{rca}, now, seen)
	f.trackUntil(t, "three", []unionsv1.ObjectReference{later}, now, func(map[string]Tracking) bool { return true })
	f.trackUntil(t, "four", []unionsv1.ObjectReference{elsewhere}, now, func(map[string]Tracking) bool { return true })
	if n := f.watchCount(); n != 2 {
		t.Fatalf("informers = %d, want one for team-a and one for team-b", n)
	}
	f.flush() // each informer's first sync tells its followers

	// A new object tells only the coalitions whose goals name it.
	if _, err := f.dyn.Resource(jobs).Namespace("team-a").Create(context.Background(), completedJob("team-a", "later"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.drain(t, 1); !got["three"] {
		t.Errorf("enqueued %v, want three", got)
	}
	time.Sleep(100 * time.Millisecond)
	if n := f.queue.Len(); n != 0 {
		t.Errorf("%d more coalitions enqueued for an object they do not follow", n)
	}

	// A change that leaves the conditions alone tells no one; a change of
	// the conditions tells the object's followers.
	client := f.dyn.Resource(jobs).Namespace("team-a")
	u, err := client.Get(context.Background(), "rca", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u.Object["spec"] = map[string]any{"parallelism": int64(2)}
	if u, err = client.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := f.queue.Len(); n != 0 {
		t.Errorf("%d coalitions enqueued for a change that cannot meet a goal", n)
	}
	u.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Failed", "status": "True"}}}
	if _, err := client.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.drain(t, 2); !got["one"] || !got["two"] {
		t.Errorf("enqueued %v, want one and two", got)
	}

	f.w.Release("one")
	f.w.Release("three")
	if n := f.watchCount(); n != 2 {
		t.Errorf("informers = %d while two still follows team-a, want 2", n)
	}
	if _, err := f.w.Track(context.Background(), "two", nil, now); err != nil {
		t.Fatal(err)
	}
	f.w.Release("four")
	if n := f.watchCount(); n != 0 {
		t.Errorf("informers = %d after the last follower left, want 0", n)
	}
}

func TestGoalWatchesReportAMissingObjectAsUnseen(t *testing.T) {
	f := newFixture(t)
	ref := jobRef("team-a", "later")
	got, err := f.w.Track(context.Background(), "one", []unionsv1.ObjectReference{ref}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if tr := got[goals.Key(ref)]; tr.Reason != "" || tr.Object != nil {
		t.Errorf("tracking = %+v, want watched and not seen", tr)
	}
}

func TestGoalWatchesRefuseWhatTheyMayNotRead(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	ref := unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "CronJob", Namespace: "team-a", Name: "nightly"}
	key := goals.Key(ref)

	got, err := f.w.Track(context.Background(), "one", []unionsv1.ObjectReference{ref}, now)
	if err != nil {
		t.Fatal(err)
	}
	if tr := got[key]; tr.Reason != ReasonForbidden || !tr.RecheckAt.Equal(now.Add(accessRecheck)) {
		t.Fatalf("tracking = %+v, want Forbidden, rechecked in %v", tr, accessRecheck)
	}
	if f.watchCount() != 0 {
		t.Error("a forbidden object must not be watched")
	}
	reviews := f.reviews.Load()

	// Access granted meanwhile is not noticed before the recheck.
	f.allowCronJobs.Store(true)
	got, _ = f.w.Track(context.Background(), "two", []unionsv1.ObjectReference{ref}, now.Add(time.Minute))
	if got[key].Reason != ReasonForbidden || f.reviews.Load() != reviews {
		t.Errorf("tracking = %+v after %d reviews, want the cached refusal", got[key], f.reviews.Load()-reviews)
	}

	// At the recheck the grant is found.
	got, _ = f.w.Track(context.Background(), "one", []unionsv1.ObjectReference{ref}, now.Add(accessRecheck))
	if got[key].Reason != "" || f.watchCount() != 1 {
		t.Errorf("tracking = %+v with %d watches, want watched", got[key], f.watchCount())
	}
}

func TestGoalWatchesRejectReferencesThatCannotBeResolved(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		ref    unionsv1.ObjectReference
		reason string
	}{
		{"unknown kind", unionsv1.ObjectReference{APIVersion: "example.com/v1", Kind: "Widget", Namespace: "a", Name: "w"}, ReasonUnknownKind},
		{"namespaced kind without namespace", unionsv1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Name: "rca"}, ReasonInvalidReference},
		{"cluster-scoped kind with a namespace", unionsv1.ObjectReference{APIVersion: "v1", Kind: "Node", Namespace: "a", Name: "n"}, ReasonInvalidReference},
		{"malformed apiVersion", unionsv1.ObjectReference{APIVersion: "a/b/c", Kind: "Job", Namespace: "a", Name: "rca"}, ReasonInvalidReference},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.w.Track(context.Background(), "one", []unionsv1.ObjectReference{tt.ref}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tr := got[goals.Key(tt.ref)]; tr.Reason != tt.reason || tr.Message == "" {
				t.Errorf("tracking = %+v, want reason %s with a message", tr, tt.reason)
			}
			if f.watchCount() != 0 {
				t.Error("an unresolved reference must not be watched")
			}
		})
	}
}
