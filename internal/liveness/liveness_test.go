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

package liveness

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

func TestEnded(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	coalition := func(mutate func(*unionsv1.Coalition)) *unionsv1.Coalition {
		c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: "c", CreationTimestamp: metav1.NewTime(t0)}}
		c.Spec.Duration = &metav1.Duration{Duration: time.Hour}
		if mutate != nil {
			mutate(c)
		}
		return c
	}
	deleting := metav1.NewTime(t0)
	tests := []struct {
		name     string
		union    unionsv1.Union
		now      time.Time
		want     string
		wantNext time.Time
	}{
		{name: "a coalition before its deadline is in force", union: coalition(nil), now: t0.Add(59 * time.Minute), wantNext: t0.Add(time.Hour)},
		{name: "a coalition ends exactly at its deadline", union: coalition(nil), now: t0.Add(time.Hour), want: ReasonExpired},
		{name: "an expiresAt deadline", union: coalition(func(c *unionsv1.Coalition) {
			c.Spec.Duration, c.Spec.ExpiresAt = nil, &metav1.Time{Time: t0.Add(time.Minute)}
		}), now: t0.Add(2 * time.Minute), want: ReasonExpired},
		{name: "a coalition without a creation time has no deadline yet", union: coalition(func(c *unionsv1.Coalition) {
			c.CreationTimestamp = metav1.Time{}
		}), now: t0.Add(48 * time.Hour)},
		{name: "dissolved stays dissolved, before its deadline", union: coalition(func(c *unionsv1.Coalition) {
			c.Status.Phase = unionsv1.CoalitionDissolved
		}), now: t0, want: ReasonDissolved},
		{name: "a union being deleted", union: &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &deleting}}, now: t0, want: ReasonDeleted},
		{name: "alliances are durable", union: &unionsv1.Alliance{}, now: t0.Add(1e6 * time.Hour)},
		{name: "a dissolved federation", union: &unionsv1.Federation{Status: unionsv1.FederationStatus{Phase: unionsv1.FederationDissolved}}, now: t0, want: ReasonDissolved},
		{name: "a federation in force", union: &unionsv1.Federation{Status: unionsv1.FederationStatus{Phase: unionsv1.FederationActive}}, now: t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if e := Ended(tt.union, tt.now); e != nil {
				got = e.Reason
				if e.Message == "" {
					t.Error("an end without a message")
				}
			}
			if got != tt.want {
				t.Errorf("Ended = %q, want %q", got, tt.want)
			}
			if next := NextEnd(tt.union, tt.now); !next.Equal(tt.wantNext) {
				t.Errorf("NextEnd = %v, want %v", next, tt.wantNext)
			}
		})
	}
}
