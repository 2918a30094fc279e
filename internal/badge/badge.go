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

// Package badge computes the labels that prove membership of a union:
// <kind>.unions.kos.dev/<union-name>: <role>. It is pure: it knows nothing of
// clients or caches, only of label maps.
package badge

import (
	"maps"
	"strings"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Key is the badge label key of a union: <kind>.unions.kos.dev/<name>.
func Key(ref unionsv1.UnionReference) string {
	return strings.ToLower(string(ref.Kind)) + "." + unionsv1.BadgeDomain + "/" + ref.Name
}

// String renders a badge as key=value, as in Membership.status.badge.
func String(ref unionsv1.UnionReference, role unionsv1.Role) string {
	return Key(ref) + "=" + string(role)
}

// Of returns the badge labels among labels (nil when there are none).
func Of(labels map[string]string) map[string]string {
	var out map[string]string
	for k, v := range labels {
		if unionsv1.IsBadgeKey(k) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// Set is the desired badges of one object, keyed by badge key.
type Set map[string]unionsv1.Role

// Labels renders the set as a label map (never nil, so it can be applied as is).
func (s Set) Labels() map[string]string {
	out := make(map[string]string, len(s))
	for k, role := range s {
		out[k] = string(role)
	}
	return out
}

// Matches reports whether the badge labels an object carries are exactly the set.
func (s Set) Matches(labels map[string]string) bool {
	return maps.Equal(Of(labels), s.Labels())
}

// Stray returns the badge keys an object carries that the set does not hold.
func (s Set) Stray(labels map[string]string) []string {
	var out []string
	for k := range Of(labels) {
		if _, ok := s[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}
