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

// Package agents knows what an agent is: a Deployment, StatefulSet, DaemonSet
// or Pod carrying the label unions.kos.dev/agent, whose value names the agent.
// An agent is made of every such object with the same name in a namespace
// (a Deployment and its Pods, say). It is pure.
package agents

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Kinds are the kinds of object an agent is made of.
var Kinds = []schema.GroupVersionKind{
	{Group: "apps", Version: "v1", Kind: "Deployment"},
	{Group: "apps", Version: "v1", Kind: "StatefulSet"},
	{Group: "apps", Version: "v1", Kind: "DaemonSet"},
	{Group: "", Version: "v1", Kind: "Pod"},
}

// Name returns the agent an object belongs to ("" when it is no agent).
func Name(obj metav1.Object) string {
	return obj.GetLabels()[unionsv1.AgentLabel]
}

// Selector is a compiled agent selector: nil selects every agent.
type Selector struct{ sel labels.Selector }

// All selects every agent.
var All = Selector{}

// NewSelector compiles a label selector; nil selects every agent.
func NewSelector(ls *metav1.LabelSelector) (Selector, error) {
	if ls == nil {
		return All, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return Selector{}, err
	}
	return Selector{sel: sel}, nil
}

// Matches reports whether one object's own labels match. Badges are not the
// object's own: selecting agents never depends on the unions they are in, so
// badges coming and going never change what a Membership selects.
func (s Selector) Matches(obj metav1.Object) bool {
	return s.sel == nil || s.sel.Matches(ownLabels(obj.GetLabels()))
}

// ownLabels are an object's labels without its badges.
type ownLabels map[string]string

func (l ownLabels) Has(key string) bool {
	_, ok := l.Lookup(key)
	return ok
}

func (l ownLabels) Get(key string) string {
	v, _ := l.Lookup(key)
	return v
}

func (l ownLabels) Lookup(key string) (string, bool) {
	if unionsv1.IsBadgeKey(key) {
		return "", false
	}
	v, ok := l[key]
	return v, ok
}

// Select returns the names of the agents s selects among objects, sorted. An
// agent is selected when any of its objects matches, so a Deployment whose
// Pods carry the selected labels in their template is selected with its Pods.
func (s Selector) Select(objects []metav1.Object) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range objects {
		name := Name(o)
		if name == "" || seen[name] || !s.Matches(o) {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// SameOwnLabels reports whether two label sets are equal once badges are
// set aside, as a Selector reads them (without copying either: it runs for
// every agent event).
func SameOwnLabels(a, b map[string]string) bool {
	own := 0
	for k, v := range a {
		if unionsv1.IsBadgeKey(k) {
			continue
		}
		own++
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	for k := range b {
		if !unionsv1.IsBadgeKey(k) {
			own--
		}
	}
	return own == 0
}
