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
}

// Desired returns the badges the namespace itself carries and, for each of
// objects (all agent objects of the namespace, in order), the badges it
// carries. A selected agent's objects carry the badge value council when it
// is seated, interop when it bridges, and member otherwise.
func Desired(grants []Grant, objects []metav1.Object) (namespace Set, perObject []Set) {
	namespace = Set{}
	perObject = make([]Set, len(objects))
	for i := range perObject {
		perObject[i] = Set{}
	}
	for _, g := range grants {
		key := Key(g.Union)
		namespace[key] = unionsv1.RoleMember
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
