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

package metrics

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func objects() []client.Object {
	deadline := metav1.NewTime(time.Unix(1_800_000_000, 0))
	c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: "incident-42"}}
	c.Status.Phase, c.Status.ExpiresAt = unionsv1.CoalitionActive, &deadline
	c.Status.Conditions = []metav1.Condition{{Type: unionsv1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Active"}}
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: "blue-pact"}}
	a.Status.Phase = unionsv1.AllianceActive
	a.Status.Conditions = []metav1.Condition{
		{Type: unionsv1.ConditionReady, Status: metav1.ConditionFalse, Reason: "InvalidStandard"},
		{Type: unionsv1.ConditionStalled, Status: metav1.ConditionTrue, Reason: "InvalidStandard"},
	}
	m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "join"}}
	m.Spec.Union = unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: "blue-pact"}
	m.Status.Standing = unionsv1.StandingRejected
	return []client.Object{c, a, m}
}

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = unionsv1.AddToScheme(s)
	return s
}

func TestPerObjectMetrics(t *testing.T) {
	c := &collector{reader: fake.NewClientBuilder().WithScheme(newScheme()).WithObjects(objects()...).Build()}
	want := `
# HELP union_operator_coalition_expiration_timestamp_seconds The deadline of each coalition, in seconds since the epoch.
# TYPE union_operator_coalition_expiration_timestamp_seconds gauge
union_operator_coalition_expiration_timestamp_seconds{name="incident-42"} 1.8e+09
# HELP union_operator_membership_standing The standing of each Membership: 1 for its standing.
# TYPE union_operator_membership_standing gauge
union_operator_membership_standing{name="join",namespace="team-a",standing="Rejected",union="blue-pact",union_kind="Alliance"} 1
# HELP union_operator_ready_status The Ready condition of each union, Membership and ExitTreaty: 1 for its status, 0 for the others.
# TYPE union_operator_ready_status gauge
union_operator_ready_status{condition="False",kind="Alliance",name="blue-pact",namespace=""} 1
union_operator_ready_status{condition="False",kind="Coalition",name="incident-42",namespace=""} 0
union_operator_ready_status{condition="False",kind="Membership",name="join",namespace="team-a"} 0
union_operator_ready_status{condition="True",kind="Alliance",name="blue-pact",namespace=""} 0
union_operator_ready_status{condition="True",kind="Coalition",name="incident-42",namespace=""} 1
union_operator_ready_status{condition="True",kind="Membership",name="join",namespace="team-a"} 0
union_operator_ready_status{condition="Unknown",kind="Alliance",name="blue-pact",namespace=""} 0
union_operator_ready_status{condition="Unknown",kind="Coalition",name="incident-42",namespace=""} 0
union_operator_ready_status{condition="Unknown",kind="Membership",name="join",namespace="team-a"} 1
# HELP union_operator_stalled Objects whose Stalled condition is True, by reason: 1 while stalled (a spec the operator cannot act on).
# TYPE union_operator_stalled gauge
union_operator_stalled{kind="Alliance",name="blue-pact",namespace="",reason="InvalidStandard"} 1
# HELP union_operator_union_phase The phase of each union: 1 for its phase.
# TYPE union_operator_union_phase gauge
union_operator_union_phase{kind="Alliance",name="blue-pact",phase="Active"} 1
union_operator_union_phase{kind="Coalition",name="incident-42",phase="Active"} 1
`
	err := testutil.CollectAndCompare(c, strings.NewReader(want),
		"union_operator_coalition_expiration_timestamp_seconds", "union_operator_membership_standing",
		"union_operator_ready_status", "union_operator_stalled", "union_operator_union_phase")
	if err != nil {
		t.Fatal(err)
	}
}

// The alert rules and the dashboard read only metrics the operator serves.
func TestRulesAndDashboardNameServedMetrics(t *testing.T) {
	served := map[string]bool{}
	descs := make(chan *prometheus.Desc, 64)
	(&collector{}).Describe(descs)
	Expiries.Describe(descs)
	BadgeWrites.Describe(descs)
	BadgeWriteErrors.Describe(descs)
	close(descs)
	name := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	for d := range descs {
		served[name.FindStringSubmatch(d.String())[1]] = true
	}
	for _, file := range []string{"union-operator.rules.yaml", "union-operator.rules.test.yaml", "union-operator-dashboard.json"} {
		b, err := os.ReadFile("../../config/prometheus/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var unknown []string
		for _, m := range regexp.MustCompile(`union_operator_[a-z_]+`).FindAllString(string(b), -1) {
			if !served[m] && !slices.Contains(unknown, m) {
				unknown = append(unknown, m)
			}
		}
		if len(unknown) > 0 {
			t.Errorf("%s reads metrics the operator does not serve: %v", file, unknown)
		}
	}
}
