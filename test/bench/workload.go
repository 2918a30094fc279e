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
	"errors"
	"fmt"
	"log"
	"math"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

const (
	// benchLabel marks everything the bench makes, so that it can find and
	// remove it (also what an interrupted run left).
	benchLabel = "unions.kos.dev/bench"
	benchValue = "true"
	// schedulerName is served by no scheduler: the bench's Pods stay
	// Pending on no node. The operator caches agents metadata-only and
	// badges a Pod whatever its phase, so nothing it does depends on the
	// Pods running; left unscheduled, they cost no bind and no status
	// write of kwok's, and kwok, which watches the Pods of its node, takes
	// no CPU from the API server while the badges land.
	schedulerName = "bench-unscheduled"
	// createWorkers bounds the bench's own requests in flight while it sets up.
	createWorkers = 64
	// cleanupWorkers is how many namespaces' Pods are deleted at once.
	cleanupWorkers = 8
)

// cleanupBackoff spaces the attempts at deleting a namespace's Pods.
var cleanupBackoff = wait.Backoff{Steps: 5, Duration: time.Second, Factor: 1.5}

// objectRef is one agent object the bench made.
type objectRef struct {
	kind      string // Deployment or Pod
	namespace string
	name      string
}

func namespaceName(i int) string { return fmt.Sprintf("union-bench-%03d", i) }

// growTo makes namespaces, agent Deployments (replicas: 0 and paused, so
// they make no Pods nor ReplicaSets) and bare agent Pods until there are n
// agent objects, objectsPerNamespace per namespace, and waits until the
// cluster has settled. Creation is not timed.
func (b *bench) growTo(ctx context.Context, n int) error {
	start := time.Now()
	from := len(b.namespaces)
	to := (n + objectsPerNamespace - 1) / objectsPerNamespace
	var fresh []string
	for i := from; i < to; i++ {
		fresh = append(fresh, namespaceName(i))
	}
	if err := b.createNamespaces(ctx, fresh); err != nil {
		return err
	}
	b.namespaces = append(b.namespaces, fresh...)
	first := len(b.objects)
	for _, ns := range fresh {
		for i := range deploymentsPerNamespace {
			b.objects = append(b.objects, objectRef{"Deployment", ns, fmt.Sprintf("agent-%03d", i)})
		}
		for i := range podsPerNamespace {
			b.objects = append(b.objects, objectRef{"Pod", ns, fmt.Sprintf("agent-pod-%03d", i)})
		}
	}
	b.objects = b.objects[:min(len(b.objects), n)]
	b.track.setWant(len(b.objects))
	log.Printf("Growing to %d agent objects in %d namespaces", len(b.objects), len(b.namespaces))
	err := parallel(ctx, len(b.objects)-first, createWorkers, func(ctx context.Context, i int) error {
		return b.admin.Create(ctx, newAgent(b.objects[first+i]))
	})
	if err != nil {
		return err
	}
	if err := b.waitSettled(ctx); err != nil {
		return err
	}
	err = poll(ctx, 100*time.Millisecond, time.Minute, func(context.Context) (bool, error) {
		return b.track.size() == len(b.objects), nil
	})
	if err != nil {
		return fmt.Errorf("the watch sees %d of %d objects: %w", b.track.size(), len(b.objects), err)
	}
	b.res.Raw.CreateSeconds += math.Round(time.Since(start).Seconds()*10) / 10
	log.Printf("Created and settled %d objects in %s", len(b.objects)-first, time.Since(start).Round(time.Millisecond))
	return nil
}

// createNamespaces makes bench namespaces and waits for their default
// ServiceAccounts, which Pods need (the controller-manager creates them
// shortly after the namespace).
func (b *bench) createNamespaces(ctx context.Context, names []string) error {
	err := parallel(ctx, len(names), createWorkers, func(ctx context.Context, i int) error {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: names[i], Labels: map[string]string{benchLabel: benchValue}}}
		return b.admin.Create(ctx, ns)
	})
	if err != nil {
		return err
	}
	err = parallel(ctx, len(names), createWorkers, func(ctx context.Context, i int) error {
		return poll(ctx, 100*time.Millisecond, time.Minute, func(ctx context.Context) (bool, error) {
			err := b.admin.Get(ctx, client.ObjectKey{Namespace: names[i], Name: "default"}, &corev1.ServiceAccount{})
			return err == nil, client.IgnoreNotFound(err)
		})
	})
	if err != nil {
		return fmt.Errorf("waiting for the default ServiceAccounts: %w", err)
	}
	return nil
}

// newAgent is an agent Deployment without replicas or a bare agent Pod left
// unscheduled (see schedulerName).
func newAgent(ref objectRef) client.Object {
	labels := map[string]string{unionsv1.AgentLabel: ref.name, benchLabel: benchValue}
	meta := metav1.ObjectMeta{Namespace: ref.namespace, Name: ref.name, Labels: labels}
	podSpec := corev1.PodSpec{
		Containers:                    []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}},
		AutomountServiceAccountToken:  ptr.To(false),
		TerminationGracePeriodSeconds: ptr.To[int64](0),
	}
	if ref.kind == "Pod" {
		podSpec.SchedulerName = schedulerName
		return &corev1.Pod{ObjectMeta: meta, Spec: podSpec}
	}
	selector := map[string]string{unionsv1.AgentLabel: ref.name}
	return &appsv1.Deployment{
		ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0),
			// Paused: the Deployment controller makes no ReplicaSet for it,
			// so the cluster settles in seconds rather than minutes.
			Paused:   true,
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: selector}, Spec: podSpec},
		},
	}
}

// waitSettled waits until the Deployment controller has seen every
// Deployment, so that it does not write during a measurement (the Pods,
// unscheduled, get no writes of the cluster's).
func (b *bench) waitSettled(ctx context.Context) error {
	start := time.Now()
	sel := client.MatchingLabels{benchLabel: benchValue}
	err := poll(ctx, time.Second, 5*time.Minute, func(ctx context.Context) (bool, error) {
		var list appsv1.DeploymentList
		if err := b.admin.List(ctx, &list, sel); err != nil {
			return false, err
		}
		for _, d := range list.Items {
			if d.Status.ObservedGeneration < d.Generation {
				return false, nil
			}
		}
		return len(list.Items) == b.count("Deployment"), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the Deployments to settle: %w", err)
	}
	log.Printf("Deployments observed after %s", time.Since(start).Round(time.Millisecond))
	return nil
}

// count is the number of agent objects of a kind the bench made.
func (b *bench) count(kind string) int {
	n := 0
	for _, o := range b.objects {
		if o.kind == kind {
			n++
		}
	}
	return n
}

// removeObjects deletes every union and namespace the bench made, the Pods
// first, and, with waitGone, waits until the namespaces are gone; without,
// it returns once their deletion is asked for and leaves the rest to the
// namespace controller (a later run waits for what is still terminating).
func (b *bench) removeObjects(ctx context.Context, waitGone bool) error {
	sel := client.MatchingLabels{benchLabel: benchValue}
	for _, list := range []client.ObjectList{&unionsv1.CoalitionList{}, &unionsv1.AllianceList{}} {
		if err := b.admin.List(ctx, list, sel); err != nil {
			return err
		}
		items, err := listItems(list)
		if err != nil {
			return err
		}
		err = parallel(ctx, len(items), createWorkers, func(ctx context.Context, i int) error {
			return client.IgnoreNotFound(b.admin.Delete(ctx, items[i]))
		})
		if err != nil {
			return err
		}
	}
	var nsList corev1.NamespaceList
	if err := b.admin.List(ctx, &nsList, sel); err != nil {
		return err
	}
	if len(nsList.Items) == 0 {
		return nil
	}
	log.Printf("Deleting %d bench namespaces", len(nsList.Items))
	start := time.Now()
	// The Pods first, at once (grace period 0), so the namespace
	// controller has none left to delete one by one. The
	// API server deletes a collection one object at a time: a few
	// namespaces at once, and a collection cut off by the request timeout
	// (many namespaces of hundreds of Pods) is asked for again.
	err := parallel(ctx, len(nsList.Items), cleanupWorkers, func(ctx context.Context, i int) error {
		return retry.OnError(cleanupBackoff, retriable, func() error {
			return client.IgnoreNotFound(b.admin.DeleteAllOf(ctx, &corev1.Pod{}, client.InNamespace(nsList.Items[i].Name), client.GracePeriodSeconds(0)))
		})
	})
	if err != nil {
		return err
	}
	log.Printf("Pods deleted after %s", time.Since(start).Round(time.Millisecond))
	for i := range nsList.Items {
		if err := b.admin.Delete(ctx, &nsList.Items[i]); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	if !waitGone {
		log.Printf("Namespaces' deletion asked for; the namespace controller finishes it in the background")
		return nil
	}
	err = poll(ctx, time.Second, 5*time.Minute, func(ctx context.Context) (bool, error) {
		var left corev1.NamespaceList
		err := b.admin.List(ctx, &left, sel)
		return err == nil && len(left.Items) == 0, err
	})
	if err != nil {
		return fmt.Errorf("waiting for the bench namespaces to go: %w", err)
	}
	log.Printf("Bench namespaces gone after %s", time.Since(start).Round(time.Millisecond))
	return nil
}

// retriable reports whether a request may succeed when sent again: it was
// cut off, timed out, throttled or failed in the server.
func retriable(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return true // no answer from the API server (a reset stream, a timeout)
	}
	return apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err)
}

func listItems(list client.ObjectList) ([]client.Object, error) {
	switch l := list.(type) {
	case *unionsv1.CoalitionList:
		out := make([]client.Object, len(l.Items))
		for i := range l.Items {
			out[i] = &l.Items[i]
		}
		return out, nil
	case *unionsv1.AllianceList:
		out := make([]client.Object, len(l.Items))
		for i := range l.Items {
			out[i] = &l.Items[i]
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected list %T", list)
}

// parallel runs fn for 0..n-1 on at most workers goroutines and returns the
// first error (after which no new calls start). An object that already
// exists counts as created.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil && !apierrors.IsAlreadyExists(err) {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return firstErr
}
