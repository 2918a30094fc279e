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

// Package goalwatch watches the objects coalition goals complete on: one
// informer per referenced kind and namespace, trimmed to identity and
// conditions, started when a goal first names an object there and stopped
// when none does, with the operator's read access checked before.
package goalwatch

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/goals"
)

// accessRecheck is how long a verdict on the operator's read access to a
// kind in a namespace holds. The operator cannot watch RBAC (it may not read
// it), so a refusal is checked again after this long, not sooner.
const accessRecheck = 10 * time.Minute

// GoalReaderLabel is the label of ClusterRoles that aggregate into the
// operator's goal-reader role: the way a platform team lets goals complete on
// kinds beyond batch Jobs (docs/goals.md).
const GoalReaderLabel = "unions.kos.dev/aggregate-to-goal-reader"

// Reasons why a goal's object is not tracked.
const (
	ReasonForbidden        = "Forbidden"
	ReasonUnknownKind      = "UnknownKind"
	ReasonInvalidReference = "InvalidReference"
	ReasonWatchFailed      = "WatchFailed"
	// ReasonTooManyWatches: the operator already runs MaxWatches goal
	// informers; the goal waits until one is no longer needed.
	ReasonTooManyWatches = "TooManyWatches"
)

// MaxWatches bounds the informers the goal watches run at once (one per
// referenced kind and member namespace), whatever coalitions ask for.
const MaxWatches = 128

// Tracking is what the goal watches know of one referenced object.
type Tracking struct {
	// Reason is empty while the object is watched; otherwise why it is not
	// (Forbidden, UnknownKind, InvalidReference, WatchFailed), with Message.
	Reason  string
	Message string
	// Object is the watched object, trimmed to its identity and conditions;
	// nil when it does not exist (or is not listed yet).
	Object *unstructured.Unstructured
	// RecheckAt is when a refused access is checked again.
	RecheckAt time.Time
}

// Watches watches the objects that the goals of live coalitions complete
// on. It runs one informer per referenced kind and namespace (cluster-wide
// only for cluster-scoped kinds), started when a goal first names an object
// there and stopped when no goal does any more, and keeps of each object only
// its identity and conditions: the cache holds the referenced namespaces'
// objects of that kind, trimmed, rather than every object of the kind. A
// change of a referenced object's conditions enqueues the coalitions whose
// goals name it. It is a controller source: the coalition controller starts it
// with its work queue.
type Watches struct {
	client  client.Client
	mapper  meta.RESTMapper
	dynamic dynamic.Interface

	mu      sync.Mutex
	ctx     context.Context
	queue   workqueue.TypedRateLimitingInterface[reconcile.Request]
	watches map[accessKey]*kindWatch
	// tracked maps each coalition to the objects its goals name, by goals.Key.
	tracked map[string]map[string]objectKey
	access  map[accessKey]verdict
}

var _ source.Source = &Watches{}

// kindWatch is the informer of one kind in one namespace.
type kindWatch struct {
	informer cache.SharedIndexInformer
	cancel   context.CancelFunc
	// followers maps an object's name to the coalitions whose goals name it.
	followers map[string]map[string]bool
	// err is the last error listing or watching.
	err error
}

// accessKey is a resource in a namespace ("" for cluster-scoped kinds): the
// unit of read access and of watching.
type accessKey struct {
	resource  schema.GroupVersionResource
	namespace string
}

// objectKey is one referenced object.
type objectKey struct {
	accessKey
	name string
}

type verdict struct {
	allowed bool
	until   time.Time
}

func New(c client.Client, mapper meta.RESTMapper, dyn dynamic.Interface) *Watches {
	return &Watches{
		client:  c,
		mapper:  mapper,
		dynamic: dyn,
		watches: map[accessKey]*kindWatch{},
		tracked: map[string]map[string]objectKey{},
		access:  map[accessKey]verdict{},
	}
}

// Start implements source.Source: informers started later run until ctx ends
// and enqueue into queue.
func (w *Watches) Start(ctx context.Context, queue workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx, w.queue = ctx, queue
	return nil
}

// Track makes refs the objects a coalition's goals complete on: it starts the
// informers not running yet, stops those no coalition needs any more, and
// returns what is known of each reference, keyed by goals.Key.
func (w *Watches) Track(ctx context.Context, coalition string, refs []unionsv1.ObjectReference, now time.Time) (map[string]Tracking, error) {
	out := make(map[string]Tracking, len(refs))
	keys := map[string]objectKey{}
	for _, ref := range refs {
		key := goals.Key(ref)
		t, ak, err := w.readable(ctx, ref, now)
		if err != nil {
			return nil, err
		}
		if t.Reason == "" {
			ok := objectKey{accessKey: ak, name: ref.Name}
			keys[key] = ok
			t = w.observe(ok, ref.Kind, coalition, now)
		}
		out[key] = t
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for key, ok := range w.tracked[coalition] {
		if current, still := keys[key]; !still || current != ok {
			w.unfollow(ok, coalition)
		}
	}
	if len(keys) == 0 {
		delete(w.tracked, coalition)
	} else {
		w.tracked[coalition] = keys
	}
	return out, nil
}

// Release stops tracking every object of a coalition.
func (w *Watches) Release(coalition string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ok := range w.tracked[coalition] {
		w.unfollow(ok, coalition)
	}
	delete(w.tracked, coalition)
}

// readable resolves a reference to its resource and checks that the operator
// may list and watch it there. A refusal is a Tracking with a reason; an error
// is transient.
func (w *Watches) readable(ctx context.Context, ref unionsv1.ObjectReference, now time.Time) (Tracking, accessKey, error) {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return Tracking{Reason: ReasonInvalidReference, Message: fmt.Sprintf("apiVersion %q is not valid: %v", ref.APIVersion, err)}, accessKey{}, nil
	}
	mapping, err := w.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: ref.Kind}, gv.Version)
	switch {
	case meta.IsNoMatchError(err):
		return Tracking{Reason: ReasonUnknownKind, Message: fmt.Sprintf("the API server serves no kind %s in %s", ref.Kind, ref.APIVersion)}, accessKey{}, nil
	case err != nil:
		return Tracking{}, accessKey{}, err
	}
	ak := accessKey{resource: mapping.Resource, namespace: ref.Namespace}
	namespaced := mapping.Scope.Name() == meta.RESTScopeNameNamespace
	switch {
	case namespaced && ref.Namespace == "":
		return Tracking{Reason: ReasonInvalidReference, Message: fmt.Sprintf("%s is namespaced: objectRef needs a namespace", ref.Kind)}, ak, nil
	case !namespaced && ref.Namespace != "":
		return Tracking{Reason: ReasonInvalidReference, Message: fmt.Sprintf("%s is cluster-scoped: objectRef must not name a namespace", ref.Kind)}, ak, nil
	}

	w.mu.Lock()
	v, known := w.access[ak]
	w.mu.Unlock()
	if !known || !now.Before(v.until) {
		allowed, err := w.review(ctx, ak)
		if err != nil {
			return Tracking{}, ak, err
		}
		v = verdict{allowed: allowed, until: now.Add(accessRecheck)}
		w.mu.Lock()
		w.access[ak] = v
		w.mu.Unlock()
	}
	if !v.allowed {
		return forbidden(ak, v.until), ak, nil
	}
	return Tracking{}, ak, nil
}

// review asks the API server whether the operator may list and watch a
// resource in a namespace.
func (w *Watches) review(ctx context.Context, ak accessKey) (bool, error) {
	for _, verb := range []string{"list", "watch"} {
		r := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ak.namespace, Verb: verb,
				Group: ak.resource.Group, Version: ak.resource.Version, Resource: ak.resource.Resource,
			},
		}}
		if err := w.client.Create(ctx, r); err != nil {
			return false, fmt.Errorf("reviewing access to %s: %w", ak.resource.GroupResource(), err)
		}
		if !r.Status.Allowed {
			return false, nil
		}
	}
	return true, nil
}

func forbidden(ak accessKey, until time.Time) Tracking {
	where := "cluster-wide"
	if ak.namespace != "" {
		where = "in namespace " + ak.namespace
	}
	return Tracking{
		Reason: ReasonForbidden,
		Message: fmt.Sprintf("the operator may not read %s %s: ask the platform team to grant it get, list and watch on them "+
			"(a ClusterRole labelled %s: \"true\" does it, see docs/goals.md); access is checked again at %s",
			ak.resource.GroupResource(), where, GoalReaderLabel, until.UTC().Format(time.RFC3339)),
		RecheckAt: until,
	}
}

// observe ensures the informer of the object's kind and namespace runs with
// the coalition among the object's followers, and returns what it holds.
func (w *Watches) observe(ok objectKey, kind, coalition string, now time.Time) Tracking {
	w.mu.Lock()
	defer w.mu.Unlock()
	kw, running := w.watches[ok.accessKey]
	if running && apierrors.IsForbidden(kw.err) {
		// Access was revoked since the informer started: stop it and report
		// the refusal until the next check.
		w.access[ok.accessKey] = verdict{until: now.Add(accessRecheck)}
		w.stop(ok.accessKey)
		return forbidden(ok.accessKey, now.Add(accessRecheck))
	}
	if !running {
		if w.ctx == nil {
			return Tracking{Reason: ReasonWatchFailed, Message: "the goal watches have not started yet"}
		}
		if len(w.watches) >= MaxWatches {
			return Tracking{Reason: ReasonTooManyWatches, Message: fmt.Sprintf(
				"the operator already watches %d kinds and namespaces for goals, its bound; the goal is checked again when one is released", MaxWatches),
				RecheckAt: now.Add(accessRecheck)}
		}
		kw = w.start(ok.accessKey)
	}
	if kw.followers[ok.name] == nil {
		kw.followers[ok.name] = map[string]bool{}
	}
	kw.followers[ok.name][coalition] = true
	storeKey := ok.name
	if ok.namespace != "" {
		storeKey = ok.namespace + "/" + ok.name
	}
	if kw.err != nil && !kw.informer.HasSynced() {
		return Tracking{Reason: ReasonWatchFailed, Message: fmt.Sprintf("watching %s %s: %v", kind, storeKey, kw.err)}
	}
	obj, exists, err := kw.informer.GetStore().GetByKey(storeKey)
	if err != nil || !exists {
		return Tracking{}
	}
	u, _ := obj.(*unstructured.Unstructured)
	return Tracking{Object: u}
}

// start runs the informer of a resource in a namespace. Called with w.mu held.
func (w *Watches) start(ak accessKey) *kindWatch {
	informer := dynamicinformer.NewFilteredDynamicInformer(w.dynamic, ak.resource, ak.namespace, 0, cache.Indexers{}, nil).Informer()
	kw := &kindWatch{informer: informer, followers: map[string]map[string]bool{}}
	_ = informer.SetTransform(func(o any) (any, error) {
		if u, ok := o.(*unstructured.Unstructured); ok {
			return &unstructured.Unstructured{Object: goals.Trim(u.Object)}, nil
		}
		return o, nil
	})
	_ = informer.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *cache.Reflector, err error) {
		w.failed(ak, kw, err)
		cache.DefaultWatchErrorHandler(ctx, r, err)
	})
	_, _ = informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(o any) { w.enqueue(ak, nameOf(o)) },
		UpdateFunc: func(oldObj, newObj any) {
			o, ok1 := oldObj.(*unstructured.Unstructured)
			n, ok2 := newObj.(*unstructured.Unstructured)
			if !ok1 || !ok2 || !goals.SameConditions(o.Object, n.Object) {
				w.enqueue(ak, nameOf(newObj))
			}
		},
		DeleteFunc: func(o any) { w.enqueue(ak, nameOf(o)) },
	})
	ctx, cancel := context.WithCancel(w.ctx)
	kw.cancel = cancel
	w.watches[ak] = kw
	go informer.RunWithContext(ctx)
	go func() {
		if cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
			w.mu.Lock()
			kw.err = nil
			w.mu.Unlock()
			w.enqueue(ak, "")
		}
	}()
	return kw
}

// nameOf is the name of an informer's object, or of a deleted one.
func nameOf(o any) string {
	if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
		o = d.Obj
	}
	if m, err := meta.Accessor(o); err == nil {
		return m.GetName()
	}
	return ""
}

// failed records a list or watch error of an informer, and tells its
// followers when it is new and matters: before the first sync, or a refusal.
func (w *Watches) failed(ak accessKey, kw *kindWatch, err error) {
	w.mu.Lock()
	changed := kw.err == nil || kw.err.Error() != err.Error()
	kw.err = err
	w.mu.Unlock()
	if changed && (apierrors.IsForbidden(err) || !kw.informer.HasSynced()) {
		w.enqueue(ak, "")
	}
}

// enqueue asks the coalitions following an object (every object of the
// informer when name is empty) to reconcile.
func (w *Watches) enqueue(ak accessKey, name string) {
	w.mu.Lock()
	names := map[string]bool{}
	if kw, ok := w.watches[ak]; ok {
		for object, coalitions := range kw.followers {
			if name == "" || object == name {
				maps.Copy(names, coalitions)
			}
		}
	}
	queue := w.queue
	w.mu.Unlock()
	for coalition := range names {
		queue.Add(reconcile.Request{NamespacedName: client.ObjectKey{Name: coalition}})
	}
}

// unfollow drops a coalition from an object's followers, and stops the
// informer when it has no follower left. Called with w.mu held.
func (w *Watches) unfollow(ok objectKey, coalition string) {
	kw, running := w.watches[ok.accessKey]
	if !running {
		return
	}
	delete(kw.followers[ok.name], coalition)
	if len(kw.followers[ok.name]) == 0 {
		delete(kw.followers, ok.name)
	}
	if len(kw.followers) == 0 {
		w.stop(ok.accessKey)
	}
}

// stop ends an informer. Called with w.mu held.
func (w *Watches) stop(ak accessKey) {
	if kw, ok := w.watches[ak]; ok {
		kw.cancel()
		delete(w.watches, ak)
	}
}
