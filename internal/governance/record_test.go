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

package governance

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/tally"
)

// decided builds the record of a vote in a body of three members, one
// delegating, and a Bloc child, as the proposal controller does.
func decided(t *testing.T) ([]audit.Entry, *unionsv1.Tally) {
	t.Helper()
	child := Body{Name: "Federation/river", Rules: Defaults, Members: []Member{{Namespace: "r1"}}}
	body := Body{Name: "Federation/north", Rules: Defaults, Members: []Member{{Namespace: "a"}, {Namespace: "b", Delegate: "a"}, {Namespace: "c"}},
		Children: []Body{child}}
	r := Count(body, map[string]tally.Choice{"a": tally.For, "c": tally.Against, "r1": tally.For}, true)
	d := tally.Decide(r.Result, Defaults.Quorum, Defaults.Threshold, true)
	p := &unionsv1.Proposal{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "p"}}
	u := &unionsv1.Federation{ObjectMeta: metav1.ObjectMeta{Name: "north", UID: "u1"}}
	events := append([]audit.Event{Opened(p, u, t0.Add(72*time.Hour), Defaults)}, Decision(r, d)...)
	chain, err := audit.AppendAll(nil, t0, events)
	if err != nil {
		t.Fatal(err)
	}
	return chain, &unionsv1.Tally{For: int32(r.For), Against: int32(r.Against), Abstain: int32(r.Abstain), Eligible: int32(r.Eligible), Delegated: int32(r.Delegated)}
}

func TestRecordVerifies(t *testing.T) {
	chain, tl := decided(t)
	if err := VerifyRecord(chain, tl); err != nil {
		t.Fatalf("VerifyRecord: %v\n%+v", err, chain)
	}
	want := []string{"Opened", "Eligible", "Vote", "Vote", "Vote", "Vote", "Decided"}
	var got []string
	for _, e := range chain {
		got = append(got, e.Event)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events %v, want %v", got, want)
	}
	for _, w := range []string{"b For Delegated via a", "Federation/river For Bloc", "4 eligible: a b c Federation/river"} {
		if !strings.Contains(joinDetails(chain), w) {
			t.Errorf("the record does not say %q:\n%s", w, joinDetails(chain))
		}
	}
	if *tl != (unionsv1.Tally{For: 3, Against: 1, Eligible: 4, Delegated: 1}) {
		t.Errorf("tally %+v", *tl)
	}
}

func TestRecordCatchesTampering(t *testing.T) {
	tests := map[string]func(chain []audit.Entry, tl *unionsv1.Tally) ([]audit.Entry, *unionsv1.Tally){
		"a vote rewritten": func(c []audit.Entry, tl *unionsv1.Tally) ([]audit.Entry, *unionsv1.Tally) {
			c[2].Detail = strings.Replace(c[2].Detail, "For", "Against", 1)
			return c, tl
		},
		"a vote left out, digests recomputed": func(c []audit.Entry, tl *unionsv1.Tally) ([]audit.Entry, *unionsv1.Tally) {
			var events []audit.Event
			for i, e := range c {
				if i != 3 {
					events = append(events, audit.Event{Event: e.Event, Detail: e.Detail})
				}
			}
			out, _ := audit.AppendAll(nil, c[0].Time, events)
			return out, tl
		},
		"a tally that says otherwise": func(c []audit.Entry, tl *unionsv1.Tally) ([]audit.Entry, *unionsv1.Tally) {
			forged := *tl
			forged.Against++
			return c, &forged
		},
		"cut before the decision": func(c []audit.Entry, tl *unionsv1.Tally) ([]audit.Entry, *unionsv1.Tally) {
			return c[:len(c)-1], tl
		},
	}
	for name, tamper := range tests {
		t.Run(name, func(t *testing.T) {
			chain, tl := decided(t)
			if err := VerifyRecord(tamper(chain, tl)); err == nil {
				t.Error("the tampered record verifies")
			}
		})
	}
}

func TestRecordIsBounded(t *testing.T) {
	var members []Member
	ballots := map[string]tally.Choice{}
	for i := range MaxRecord + 40 {
		ns := "m" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
		members = append(members, Member{Namespace: ns})
		ballots[ns] = tally.For
	}
	r := Count(Body{Name: "Coalition/big", Rules: Defaults, Members: members}, ballots, true)
	events := Decision(r, tally.Passed)
	if len(events)+1 > MaxRecord {
		t.Fatalf("%d events, more than the record holds", len(events)+1)
	}
	chain, err := audit.AppendAll(nil, t0, append([]audit.Event{{Event: EventOpened, Detail: "opened"}}, events...))
	if err != nil {
		t.Fatal(err)
	}
	if len(events[0].Detail) > 4096 || VerifyRecord(chain, nil) != nil {
		t.Errorf("a bounded record does not verify (eligible detail %d bytes)", len(events[0].Detail))
	}
}

func joinDetails(chain []audit.Entry) string {
	var b strings.Builder
	for _, e := range chain {
		b.WriteString(e.Event + ": " + e.Detail + "\n")
	}
	return b.String()
}
