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

package badge

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/agents"
)

// Grant is one badged Membership of a namespace: the union it joins, the
// agents it selects, and the agents holding a special role in that union.
type Grant struct {
	// Union is the union joined.
	Union unionsv1.UnionReference
	// Agents selects the namespace's agents that join.
	Agents agents.Selector
	// Council names the agents of this namespace seated on the union's council.
	Council map[string]bool
	// Interop, when set, selects the agents that bridge allies (badge interop).
	Interop *agents.Selector
	// NamespaceLabels are labels the union imposes on the member Namespace
	// besides its badge: a federation's constitution, its ancestors' included.
	NamespaceLabels map[string]string
	// Withheld keeps the namespace badge and the imposed labels off the
	// Namespace for now: the badge would put admission policies in force
	// there whose parameters are not in the namespace yet. The agents are
	// badged all the same.
	Withheld bool
}

// Desired returns the labels the namespace itself carries — its badges and
// the labels its unions impose — and, for each of objects (all agent objects
// of the namespace, in order), the badges it carries. A selected agent's
// objects carry the badge value council when it is seated, interop when it
// bridges, and member otherwise.
func Desired(grants []Grant, objects []metav1.Object) (namespace Labels, perObject []Set) {
	namespace = Labels{Badges: Set{}}
	namespace.Imposed, _ = Imposed(grants)
	perObject = make([]Set, len(objects))
	for i := range perObject {
		perObject[i] = Set{}
	}
	for _, g := range grants {
		key := Key(g.Union)
		if !g.Withheld {
			namespace.Badges[key] = unionsv1.RoleMember
		}
		selected := toSet(g.Agents.Select(objects))
		interop := map[string]bool{}
		if g.Interop != nil {
			interop = toSet(g.Interop.Select(objects))
		}
		for i, o := range objects {
			name := agents.Name(o)
			if !selected[name] {
				continue
			}
			switch {
			case g.Council[name]:
				perObject[i][key] = unionsv1.RoleCouncil
			case interop[name]:
				perObject[i][key] = unionsv1.RoleInterop
			default:
				perObject[i][key] = unionsv1.RoleMember
			}
		}
	}
	return namespace, perObject
}

func toSet(names []string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

// Overruled is a label a union would impose on a Namespace that another of
// the namespace's unions, first by name, imposes with another value.
type Overruled struct {
	Union   unionsv1.UnionReference
	Key     string
	Value   string
	By      unionsv1.UnionReference
	ByValue string
}

// Imposed returns the labels the grants impose on their namespace: for each
// key, the value of the union first by name (then by kind), so that every
// reconcile agrees; the values of the others are reported as overruled.
// Keys of the unions.kos.dev domain are never imposed: badges prove
// membership of their union only.
func Imposed(grants []Grant) (map[string]string, []Overruled) {
	sorted := slices.Clone(grants)
	slices.SortStableFunc(sorted, func(a, b Grant) int {
		return cmp.Or(cmp.Compare(a.Union.Name, b.Union.Name), cmp.Compare(a.Union.Kind, b.Union.Kind))
	})
	var out map[string]string
	by := map[string]unionsv1.UnionReference{}
	var overruled []Overruled
	for _, g := range sorted {
		if g.Withheld {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(g.NamespaceLabels)) {
			v := g.NamespaceLabels[k]
			if Reserved(k) {
				continue
			}
			if first, set := by[k]; set {
				if out[k] != v {
					overruled = append(overruled, Overruled{Union: g.Union, Key: k, Value: v, By: first, ByValue: out[k]})
				}
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k], by[k] = v, g.Union
		}
	}
	return out, overruled
}

// Reserved reports whether a label key is of the unions.kos.dev domain
// (badges, the agent label): only the operator's own meaning may use it.
func Reserved(key string) bool {
	prefix, _, found := strings.Cut(key, "/")
	return found && (prefix == unionsv1.BadgeDomain || strings.HasSuffix(prefix, "."+unionsv1.BadgeDomain))
}

// ImposedAnnotation records on a Namespace, comma-separated and sorted, the
// keys of the labels the operator imposes there, so that a label no union
// imposes any longer is noticed, and released, by the next write.
const ImposedAnnotation = "unions.kos.dev/imposed-labels"

// ConflictsAnnotation records on a Namespace the labels its unions would
// impose that another field manager holds with another value, as
// key=value (the other manager's value), comma-separated and sorted. Those
// clauses are not in force there: the operator never takes a label from
// another manager, and leaves it alone while it keeps that value.
const ConflictsAnnotation = "unions.kos.dev/label-conflicts"

// Labels is what the badge engine wants in one object's labels: exactly its
// badges and, on a Namespace, the labels its unions impose, less those
// another field manager holds (Conflicts, by key, with that manager's value).
type Labels struct {
	Badges    Set
	Imposed   map[string]string
	Conflicts map[string]string
}

// Yield gives up the imposed labels another field manager holds, as
// recorded, for as long as the object still carries the recorded value:
// once that manager changes or drops the label, the operator tries again.
func (l Labels) Yield(current, recorded map[string]string) Labels {
	out := Labels{Badges: l.Badges, Imposed: map[string]string{}, Conflicts: map[string]string{}}
	for k, v := range l.Imposed {
		if theirs, ok := recorded[k]; ok && current[k] == theirs && theirs != v {
			out.Conflicts[k] = theirs
			continue
		}
		out.Imposed[k] = v
	}
	return out
}

// WithConflicts returns l giving up the given labels, which another field
// manager holds with the values in current.
func (l Labels) WithConflicts(keys []string, current map[string]string) Labels {
	out := Labels{Badges: l.Badges, Imposed: maps.Clone(l.Imposed), Conflicts: maps.Clone(l.Conflicts)}
	if out.Conflicts == nil {
		out.Conflicts = map[string]string{}
	}
	for _, k := range keys {
		if _, ok := out.Imposed[k]; ok {
			delete(out.Imposed, k)
			out.Conflicts[k] = current[k]
		}
	}
	return out
}

// ParseConflicts reads ConflictsAnnotation.
func ParseConflicts(annotation string) map[string]string {
	out := map[string]string{}
	for pair := range strings.SplitSeq(annotation, ",") {
		if k, v, ok := strings.Cut(pair, "="); ok && k != "" {
			out[k] = v
		}
	}
	return out
}

// Labels renders every label wanted (never nil).
func (l Labels) Labels() map[string]string {
	out := l.Badges.Labels()
	maps.Copy(out, l.Imposed)
	return out
}

// Annotations renders the record of imposed keys and of conflicts (nil
// when there is neither).
func (l Labels) Annotations() map[string]string {
	var out map[string]string
	if len(l.Imposed) > 0 {
		out = map[string]string{ImposedAnnotation: l.imposedKeys()}
	}
	if len(l.Conflicts) > 0 {
		if out == nil {
			out = map[string]string{}
		}
		out[ConflictsAnnotation] = l.conflicts()
	}
	return out
}

func (l Labels) imposedKeys() string {
	return strings.Join(slices.Sorted(maps.Keys(l.Imposed)), ",")
}

func (l Labels) conflicts() string {
	pairs := make([]string, 0, len(l.Conflicts))
	for _, k := range slices.Sorted(maps.Keys(l.Conflicts)) {
		pairs = append(pairs, k+"="+l.Conflicts[k])
	}
	return strings.Join(pairs, ",")
}

// Matches reports whether an object's labels and annotations are as wanted:
// exactly the badges, every imposed label with its value, and the records
// of imposed keys and of conflicts naming exactly those of now.
func (l Labels) Matches(labels, annotations map[string]string) bool {
	if !l.Badges.Matches(labels) || annotations[ImposedAnnotation] != l.imposedKeys() || annotations[ConflictsAnnotation] != l.conflicts() {
		return false
	}
	for k, v := range l.Imposed {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// String renders the labels canonically, for comparing two wishes.
func (l Labels) String() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(l.Badges)) {
		b.WriteString(k + "=" + string(l.Badges[k]) + ",")
	}
	b.WriteString(";")
	for _, k := range slices.Sorted(maps.Keys(l.Imposed)) {
		b.WriteString(k + "=" + l.Imposed[k] + ",")
	}
	b.WriteString(";" + l.conflicts())
	return b.String()
}

// PlatformLabels are a Namespace's labels less those the operator put
// there: badges, and the labels unions impose (as ImposedAnnotation
// records them). Invitations by label read only these, so that what one
// union imposes never invites a namespace to another.
func PlatformLabels(labels, annotations map[string]string) map[string]string {
	imposed := map[string]bool{}
	for k := range strings.SplitSeq(annotations[ImposedAnnotation], ",") {
		imposed[k] = true
	}
	out := make(map[string]string, len(labels))
	for k, v := range labels {
		if !unionsv1.IsBadgeKey(k) && !imposed[k] {
			out[k] = v
		}
	}
	return out
}
