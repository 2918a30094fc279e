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

package constitution

import (
	"cmp"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/overrides"
)

// Member is a badged Federation Membership of a namespace, with the
// constitution in force for it.
type Member struct {
	Membership   *unionsv1.Membership
	Constitution Constitution
}

// Stewards returns, for every federation whose clauses reach a namespace
// through its members, the index of the member they reach it through: the
// Membership of that very federation if there is one, else the member of its
// nearest descendant, the first by federation name on a tie. A namespace that
// joins a federation and one of its children gets each clause once.
func Stewards(members []Member) map[string]int {
	type claim struct{ member, distance int }
	best := map[string]claim{}
	for i, m := range members {
		lineage := m.Constitution.Lineage
		for j, fed := range lineage {
			c := claim{member: i, distance: len(lineage) - 1 - j}
			cur, ok := best[fed]
			if !ok || c.distance < cur.distance ||
				c.distance == cur.distance && members[i].Membership.Spec.Union.Name < members[cur.member].Membership.Spec.Union.Name {
				best[fed] = c
			}
		}
	}
	out := make(map[string]int, len(best))
	for fed, c := range best {
		out[fed] = c.member
	}
	return out
}

// Refusal is an object of a federation not put in a namespace because
// another federation's object there has the same kind and name: the older
// federation's stands, and nothing is overwritten.
type Refusal struct {
	// Federation whose object is refused, and the Membership it would be
	// owned by.
	Federation string
	Membership *unionsv1.Membership
	Kind, Name string
	// By is the federation whose object of that name stands.
	By string
}

// Message says what was refused and why.
func (r Refusal) Message() string {
	return fmt.Sprintf("%s %s of federation %s is not put in the namespace: federation %s, older, puts an object of that name there", r.Kind, r.Name, r.Federation, r.By)
}

// Plan returns every object the federations of a namespace's members put in
// it: each federation's propagated objects (but those the steward member
// replaced), its params ConfigMap when it has standards, and its consensus
// ConfigMap; each owned by the steward Membership and labelled with its union.
// consensus holds the federations' consensus by name. Where two federations
// would render objects of one kind and name (names join federation and
// clause names with hyphens, which both may contain), the older federation's
// object is planned and the other is refused.
func Plan(namespace string, members []Member, consensus map[string]*unionsv1.Consensus) ([]*unstructured.Unstructured, []Refusal, error) {
	stewards := Stewards(members)
	feds := make([]string, 0, len(stewards))
	for fed := range stewards {
		feds = append(feds, fed)
	}
	slices.Sort(feds)

	type planned struct {
		obj     *unstructured.Unstructured
		fed     string
		founded metav1.Time
		// depth is the federation's place in its line: an ancestor is
		// shallower than its descendants.
		depth  int
		member *unionsv1.Membership
	}
	var all []planned
	for _, fed := range feds {
		m := members[stewards[fed]]
		mem, con := m.Membership, m.Constitution
		label := mem.Spec.Union.LabelValue()
		terms := mem.TermsInForce()
		replaced := overrides.Replaced(terms.Overrides, con.Terms().Objects)
		add := func(o *unstructured.Unstructured) {
			all = append(all, planned{obj: o, fed: fed, founded: con.Founded[fed], depth: slices.Index(con.Lineage, fed), member: mem})
		}
		for _, o := range con.Objects {
			if o.Federation != fed {
				continue
			}
			if _, ok := replaced[o.Name]; ok {
				continue
			}
			add(Render(o, namespace, label, mem))
		}
		if len(con.StandardsOf(fed)) > 0 {
			add(ConfigMap(ParamsName(fed), namespace, label, con.Parameters(fed, terms.Overrides), mem))
		}
		data, err := ConsensusData(fed, consensus[fed])
		if err != nil {
			return nil, nil, err
		}
		add(ConfigMap(ConsensusName(fed), namespace, label, data, mem))
	}
	// The older federation first, so that it keeps a name two would use;
	// of two founded in the same second, the ancestor.
	slices.SortStableFunc(all, func(a, b planned) int {
		return cmp.Or(a.founded.Compare(b.founded.Time), cmp.Compare(a.depth, b.depth), cmp.Compare(a.fed, b.fed))
	})
	var out []*unstructured.Unstructured
	var refused []Refusal
	byName := map[string]string{}
	for _, p := range all {
		key := p.obj.GetKind() + "/" + p.obj.GetName()
		if by, taken := byName[key]; taken {
			refused = append(refused, Refusal{Federation: p.fed, Membership: p.member, Kind: p.obj.GetKind(), Name: p.obj.GetName(), By: by})
			continue
		}
		byName[key] = p.fed
		out = append(out, p.obj)
	}
	slices.SortFunc(out, func(a, b *unstructured.Unstructured) int {
		return cmp.Or(cmp.Compare(a.GetKind(), b.GetKind()), cmp.Compare(a.GetName(), b.GetName()))
	})
	return out, refused, nil
}

// controlledBy reports whether the owner references name uid as controller.
func controlledBy(refs []metav1.OwnerReference, uid types.UID) bool {
	return slices.ContainsFunc(refs, func(r metav1.OwnerReference) bool {
		return r.UID == uid && r.Controller != nil && *r.Controller
	})
}
