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

// Package liveness is the one rule of whether a union is in force — takes
// members, badges them, decides — or has ended, and why: the Membership
// standing, the badge engine, the electorate and the coalition's own phases
// all read it. It is pure.
package liveness

import (
	"time"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Reasons a union has ended.
const (
	ReasonDeleted   = "UnionDeleted"
	ReasonDissolved = "UnionDissolved"
	ReasonExpired   = "UnionExpired"
)

// End says why a union is no longer in force.
type End struct {
	Reason  string
	Message string
}

// Expired reports whether a coalition's deadline has passed at now. A
// deadline that cannot be computed yet (no creation time) has not passed.
func Expired(c *unionsv1.Coalition, now time.Time) bool {
	d := c.Deadline()
	return !d.IsZero() && !now.Before(d)
}

// Ended returns why a union is no longer in force at now, or nil when it
// is: it is being deleted, or it is a coalition that was dissolved or whose
// deadline has passed, or a federation that was dissolved. (Alliances are
// durable: they end only by deletion.)
func Ended(u unionsv1.Union, now time.Time) *End {
	if u.GetDeletionTimestamp() != nil {
		return &End{ReasonDeleted, "the union is being deleted"}
	}
	switch u := u.(type) {
	case *unionsv1.Coalition:
		if u.Status.Phase == unionsv1.CoalitionDissolved {
			return &End{ReasonDissolved, "the coalition was dissolved"}
		}
		if Expired(u, now) {
			return &End{ReasonExpired, "the coalition expired at " + u.Deadline().UTC().Format(time.RFC3339)}
		}
	case *unionsv1.Federation:
		if u.Status.Phase == unionsv1.FederationDissolved {
			return &End{ReasonDissolved, "the federation was dissolved"}
		}
	}
	return nil
}

// NextEnd is the next instant at which a union in force at now ends by time
// alone (a coalition's deadline), or zero when none is known.
func NextEnd(u unionsv1.Union, now time.Time) time.Time {
	c, ok := u.(*unionsv1.Coalition)
	if !ok || Ended(u, now) != nil {
		return time.Time{}
	}
	return c.Deadline()
}
