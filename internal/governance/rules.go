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
	"fmt"
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/tally"
)

// Rules are how a union decides.
type Rules struct {
	// Quorum is the share of eligible voters that must vote.
	Quorum tally.Percent
	// Threshold is the share of Yes among Yes and No a proposal must exceed.
	Threshold tally.Percent
	// VotingPeriod is how long a proposal stays open unless it says otherwise.
	VotingPeriod time.Duration
	// Strata is how the union, as a child federation, votes in its parent.
	Strata unionsv1.Strata
}

// Defaults are the rules of a union that states none: Coalitions and
// Alliances (which have no governance field), and the fields a Federation
// leaves empty.
var Defaults = Rules{Quorum: 50, Threshold: 50, VotingPeriod: 72 * time.Hour, Strata: unionsv1.StrataBloc}

// RulesOf returns a union's rules: a Federation's spec.governance over the
// defaults, the defaults for every other kind. An unparseable percentage (the
// API refuses them; this guards old objects) is an error naming the field.
func RulesOf(u unionsv1.Union) (Rules, error) {
	r := Defaults
	f, ok := u.(*unionsv1.Federation)
	if !ok {
		return r, nil
	}
	g := f.Spec.Governance
	if g.Quorum != "" {
		q, err := tally.ParsePercent(g.Quorum)
		if err != nil {
			return r, fmt.Errorf("spec.governance.quorum: %w", err)
		}
		r.Quorum = q
	}
	if g.Threshold != "" {
		t, err := tally.ParsePercent(g.Threshold)
		if err != nil {
			return r, fmt.Errorf("spec.governance.threshold: %w", err)
		}
		r.Threshold = t
	}
	if g.VotingPeriod != nil && g.VotingPeriod.Duration > 0 {
		r.VotingPeriod = g.VotingPeriod.Duration
	}
	if g.Strata != "" {
		r.Strata = g.Strata
	}
	return r, nil
}
