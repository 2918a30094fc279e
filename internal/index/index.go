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

// Package index registers the field indexes the controllers look objects up
// by, so that no controller lists more than it needs.
package index

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// MembershipUnion indexes Memberships by the union they name, as Kind/name.
const MembershipUnion = "spec.union"

// MembershipKind indexes Memberships by the kind of union they join.
const MembershipKind = "spec.union.kind"

// UnionKey is the index value of a union reference.
func UnionKey(ref unionsv1.UnionReference) string { return ref.String() }

// FederationParent indexes Federations by spec.parent.
const FederationParent = "spec.parent"

// ExitTreatyUnion indexes ExitTreaties by the union they leave, as Kind/name.
const ExitTreatyUnion = "spec.union"

// BallotSubject indexes Ballots by what they vote on, as Kind/namespace/name.
const BallotSubject = "spec.subject"

// SubjectKey is the index value of a Ballot's subject.
func SubjectKey(kind unionsv1.BallotSubjectKind, namespace, name string) string {
	return string(kind) + "/" + namespace + "/" + name
}

// ProposalUnion indexes Proposals by the union they are put to, as Kind/name.
const ProposalUnion = "spec.union"

// Setup registers every index with the manager's cache.
func Setup(ctx context.Context, mgr manager.Manager) error {
	indexer := mgr.GetFieldIndexer()
	if err := indexer.IndexField(ctx, &unionsv1.Membership{}, MembershipUnion, func(o client.Object) []string {
		return []string{UnionKey(o.(*unionsv1.Membership).Spec.Union)}
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &unionsv1.Membership{}, MembershipKind, func(o client.Object) []string {
		return []string{string(o.(*unionsv1.Membership).Spec.Union.Kind)}
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &unionsv1.ExitTreaty{}, ExitTreatyUnion, func(o client.Object) []string {
		return []string{UnionKey(o.(*unionsv1.ExitTreaty).Spec.Union)}
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &unionsv1.Ballot{}, BallotSubject, func(o client.Object) []string {
		on := o.(*unionsv1.Ballot).Spec.Subject
		return []string{SubjectKey(on.Kind, on.Namespace, on.Name)}
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &unionsv1.Proposal{}, ProposalUnion, func(o client.Object) []string {
		return []string{UnionKey(o.(*unionsv1.Proposal).Spec.Union)}
	}); err != nil {
		return err
	}
	return indexer.IndexField(ctx, &unionsv1.Federation{}, FederationParent, func(o client.Object) []string {
		if p := o.(*unionsv1.Federation).Spec.Parent; p != "" {
			return []string{p}
		}
		return nil
	})
}

// MembershipsOf lists the Memberships that name a union, from the cache.
func MembershipsOf(ctx context.Context, c client.Reader, ref unionsv1.UnionReference) ([]unionsv1.Membership, error) {
	var list unionsv1.MembershipList
	if err := c.List(ctx, &list, client.MatchingFields{MembershipUnion: UnionKey(ref)}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// MembershipsIn lists the Memberships of a namespace that join a union of
// the given kind, from the cache.
func MembershipsIn(ctx context.Context, c client.Reader, namespace string, kind unionsv1.UnionKind) ([]unionsv1.Membership, error) {
	var list unionsv1.MembershipList
	if err := c.List(ctx, &list, client.InNamespace(namespace), client.MatchingFields{MembershipKind: string(kind)}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// ExitTreatiesOf lists the ExitTreaties that leave a union, from the cache;
// with a namespace, only that namespace's.
func ExitTreatiesOf(ctx context.Context, c client.Reader, ref unionsv1.UnionReference, namespace string) ([]unionsv1.ExitTreaty, error) {
	var list unionsv1.ExitTreatyList
	opts := []client.ListOption{client.MatchingFields{ExitTreatyUnion: UnionKey(ref)}}
	if namespace != "" {
		opts = append(opts, client.InNamespace(namespace))
	}
	if err := c.List(ctx, &list, opts...); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// BallotsOn lists the Ballots cast on a Proposal or ExitTreaty, from the cache.
func BallotsOn(ctx context.Context, c client.Reader, kind unionsv1.BallotSubjectKind, namespace, name string) ([]unionsv1.Ballot, error) {
	var list unionsv1.BallotList
	if err := c.List(ctx, &list, client.MatchingFields{BallotSubject: SubjectKey(kind, namespace, name)}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// ProposalsOf lists the Proposals put to a union, from the cache.
func ProposalsOf(ctx context.Context, c client.Reader, ref unionsv1.UnionReference) ([]unionsv1.Proposal, error) {
	var list unionsv1.ProposalList
	if err := c.List(ctx, &list, client.MatchingFields{ProposalUnion: UnionKey(ref)}); err != nil {
		return nil, err
	}
	return list.Items, nil
}
