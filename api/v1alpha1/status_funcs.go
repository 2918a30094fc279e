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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// StatusObject is implemented by every kind: the status every kind reports
// (conditions, observedGeneration), which the controllers write through one
// status path.
// +kubebuilder:object:generate=false
type StatusObject interface {
	metav1.Object
	runtime.Object
	// StatusConditions are status.conditions.
	StatusConditions() *[]metav1.Condition
	// StatusObservedGeneration is status.observedGeneration.
	StatusObservedGeneration() *int64
}

// StatusConditions implements StatusObject.
func (c *Coalition) StatusConditions() *[]metav1.Condition { return &c.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (c *Coalition) StatusObservedGeneration() *int64 { return &c.Status.ObservedGeneration }

// StatusConditions implements StatusObject.
func (a *Alliance) StatusConditions() *[]metav1.Condition { return &a.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (a *Alliance) StatusObservedGeneration() *int64 { return &a.Status.ObservedGeneration }

// StatusConditions implements StatusObject.
func (f *Federation) StatusConditions() *[]metav1.Condition { return &f.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (f *Federation) StatusObservedGeneration() *int64 { return &f.Status.ObservedGeneration }

// StatusConditions implements StatusObject.
func (m *Membership) StatusConditions() *[]metav1.Condition { return &m.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (m *Membership) StatusObservedGeneration() *int64 { return &m.Status.ObservedGeneration }

// StatusConditions implements StatusObject.
func (t *ExitTreaty) StatusConditions() *[]metav1.Condition { return &t.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (t *ExitTreaty) StatusObservedGeneration() *int64 { return &t.Status.ObservedGeneration }

// StatusConditions implements StatusObject.
func (p *Proposal) StatusConditions() *[]metav1.Condition { return &p.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (p *Proposal) StatusObservedGeneration() *int64 { return &p.Status.ObservedGeneration }

// StatusConditions implements StatusObject.
func (b *Ballot) StatusConditions() *[]metav1.Condition { return &b.Status.Conditions }

// StatusObservedGeneration implements StatusObject.
func (b *Ballot) StatusObservedGeneration() *int64 { return &b.Status.ObservedGeneration }
