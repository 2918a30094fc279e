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

package plugin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/governance"
)

func newAuditCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Work with the hash-chained records of ExitTreaties and Proposals",
	}
	cmd.AddCommand(newAuditVerifyCommand(streams, cluster))
	return cmd
}

func newAuditVerifyCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	return &cobra.Command{
		Use:   "verify [exittreaty/]TREATY | proposal/PROPOSAL",
		Short: "Verify an ExitTreaty's audit trail, or a Proposal's record of its vote, from the object alone",
		Long: `Verify recomputes every digest of the ExitTreaty's status.audit (or the
Proposal's status.record) and checks that seq runs 1..n. It prints OK with the
head digest, or the first broken seq and exits 1.

For an Effective treaty it also compares the head digest with the one the union
recorded in status.formerMembers, which pins the whole chain (entries cut off
the end cannot be noticed from the chain itself). For a decided Proposal it
recounts the tally from the record's votes (each counted ballot, direct or
delegated through whom) and compares it with status.tally, and compares the
head digest with the one the union recorded in status.decisions.`,
		Example: `  # Verify the treaty leave-blue in namespace team-a
  kubectl unions audit verify -n team-a leave-blue

  # Verify the vote on the proposal expel-team-b in namespace team-a
  kubectl unions audit verify -n team-a proposal/expel-team-b`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return treatyNames(cmd.Context(), cluster, toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cluster.Client()
			if err != nil {
				return err
			}
			ns, err := cluster.Namespace()
			if err != nil {
				return err
			}
			kind, name, found := strings.Cut(args[0], "/")
			if !found {
				kind, name = "exittreaty", args[0]
			}
			var v Verification
			switch strings.ToLower(kind) {
			case "exittreaty", "exittreaties", "exit":
				var t unionsv1.ExitTreaty
				if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: ns, Name: name}, &t); err != nil {
					return err
				}
				pin, err := recordedHead(cmd.Context(), c, &t)
				if err != nil {
					_, _ = fmt.Fprintf(streams.ErrOut, "Note: the head digest is not compared with the union's record: %v\n", err)
				}
				v = VerifyTreaty(&t, pin)
			case "proposal", "proposals", "prop":
				var p unionsv1.Proposal
				if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: ns, Name: name}, &p); err != nil {
					return err
				}
				pin, err := recordedDecision(cmd.Context(), c, &p)
				if err != nil {
					_, _ = fmt.Fprintf(streams.ErrOut, "Note: the head digest is not compared with the union's record: %v\n", err)
				}
				v = VerifyProposal(&p, pin)
			default:
				return fmt.Errorf("%s: verify takes an ExitTreaty or a Proposal", kind)
			}
			if err := RenderVerification(streams.Out, v); err != nil {
				return err
			}
			if !v.OK() {
				return ErrReported
			}
			return nil
		},
	}
}

// Pin is the head digest a union recorded for an exit in its formerMembers.
type Pin struct {
	// Union is the union, as Kind/name.
	Union string
	// Digest is the final digest it recorded.
	Digest string
	// In is the list of the union's status that records it: formerMembers
	// (the default) or decisions.
	In string
}

func (p Pin) in() string { return cmp.Or(p.In, "formerMembers") }

// recordedHead returns what the treaty's union recorded for an Effective
// treaty, nil when there is nothing to compare (the treaty is not Effective,
// or the union recorded no digest for it).
func recordedHead(ctx context.Context, c client.Reader, t *unionsv1.ExitTreaty) (*Pin, error) {
	if t.Status.Phase != unionsv1.TreatyEffective {
		return nil, nil
	}
	u := unionsv1.NewUnion(t.Spec.Union.Kind)
	if u == nil {
		return nil, fmt.Errorf("unknown union kind %q", t.Spec.Union.Kind)
	}
	if err := c.Get(ctx, client.ObjectKey{Name: t.Spec.Union.Name}, u); err != nil {
		return nil, err
	}
	for _, fm := range u.Standing().FormerMembers {
		if fm.Namespace == t.Namespace && fm.ExitTreaty == t.Name && fm.Digest != "" {
			return &Pin{Union: t.Spec.Union.String(), Digest: fm.Digest}, nil
		}
	}
	return nil, nil
}

// recordedDecision returns the head digest the proposal's union recorded
// for its decision, nil when there is nothing to compare (undecided, or the
// union recorded none for this very proposal).
func recordedDecision(ctx context.Context, c client.Reader, p *unionsv1.Proposal) (*Pin, error) {
	if p.Status.DecidedAt == nil {
		return nil, nil
	}
	u := unionsv1.NewUnion(p.Spec.Union.Kind)
	if u == nil {
		return nil, fmt.Errorf("unknown union kind %q", p.Spec.Union.Kind)
	}
	if err := c.Get(ctx, client.ObjectKey{Name: p.Spec.Union.Name}, u); err != nil {
		return nil, err
	}
	for _, d := range u.Standing().Decisions {
		if d.UID == p.UID && d.Digest != "" {
			return &Pin{Union: p.Spec.Union.String(), Digest: d.Digest, In: "decisions"}, nil
		}
	}
	return nil, nil
}

// Verification is the outcome of verifying a treaty's audit chain or a
// proposal's record.
type Verification struct {
	// Kind is ExitTreaty or Proposal.
	Kind string
	// Treaty is namespace/name of the object verified.
	Treaty string
	// Entries is the length of the chain.
	Entries int
	// Head is the final digest ("" for an empty chain).
	Head string
	// Broken is the first entry that fails, nil when the chain verifies.
	Broken *audit.BrokenError
	// Pin is the union's record of the head, when there is one.
	Pin *Pin
	// Tally is why a proposal's record does not add up to its tally; nil
	// when it does, or for a treaty.
	Tally error
	// Recounted is set when a decided proposal's tally was recounted from
	// its record.
	Recounted bool
}

// OK reports whether the chain verifies, adds up and matches the union's
// record.
func (v Verification) OK() bool {
	return v.Broken == nil && v.Tally == nil && (v.Pin == nil || v.Pin.Digest == v.Head)
}

// VerifyTreaty verifies the treaty's status.audit with the audit package and
// compares its head with pin, when given.
func VerifyTreaty(t *unionsv1.ExitTreaty, pin *Pin) Verification {
	return verify("ExitTreaty", t.Namespace+"/"+t.Name, audit.FromStatus(t.Status.Audit), pin)
}

// VerifyProposal verifies a proposal's status.record and, once it is
// decided by a vote, recounts its tally from the record; and compares its
// head with pin, when given.
func VerifyProposal(p *unionsv1.Proposal, pin *Pin) Verification {
	chain := audit.FromStatus(p.Status.Record)
	v := verify("Proposal", p.Namespace+"/"+p.Name, chain, pin)
	if v.Broken == nil && p.Status.DecidedAt != nil && p.Status.Tally != nil {
		v.Tally, v.Recounted = governance.VerifyRecord(chain, p.Status.Tally), true
	}
	return v
}

func verify(kind, name string, chain []audit.Entry, pin *Pin) Verification {
	v := Verification{Kind: kind, Treaty: name, Entries: len(chain), Head: audit.Head(chain), Pin: pin}
	if err := audit.Verify(chain); err != nil {
		var broken *audit.BrokenError
		if !errors.As(err, &broken) {
			broken = &audit.BrokenError{Reason: err.Error()}
		}
		v.Broken = broken
	}
	return v
}

// RenderVerification writes one line: OK with the head digest, or BROKEN with
// the first broken seq, or a head that differs from the union's record.
func RenderVerification(w io.Writer, v Verification) error {
	var line string
	kind := cmp.Or(v.Kind, "ExitTreaty")
	switch {
	case v.Broken != nil:
		line = fmt.Sprintf("BROKEN: %s %s: first broken seq %d of %d entries: %s",
			kind, v.Treaty, v.Broken.Seq, v.Entries, v.Broken.Reason)
	case v.Tally != nil:
		line = fmt.Sprintf("BROKEN: %s %s: %d entries verify, but the record does not add up: %v", kind, v.Treaty, v.Entries, v.Tally)
	case v.Pin != nil && v.Pin.Digest != v.Head:
		line = fmt.Sprintf("BROKEN: %s %s: %d entries verify, but head digest %s differs from %s, which %s recorded in %s: entries are missing from the end",
			kind, v.Treaty, v.Entries, orDash(v.Head), v.Pin.Digest, v.Pin.Union, v.Pin.in())
	case v.Entries == 0:
		line = fmt.Sprintf("OK: %s %s: no audit entries yet", kind, v.Treaty)
	default:
		line = fmt.Sprintf("OK: %s %s: %s verify, head digest %s", kind, v.Treaty, count(v.Entries, "entry", "entries"), v.Head)
		if v.Recounted {
			line += "; the tally adds up"
		}
		if v.Pin != nil {
			line += ", as " + v.Pin.Union + " recorded in " + v.Pin.in()
		}
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// treatyNames completes the names of the ExitTreaties in the namespace.
func treatyNames(ctx context.Context, cluster Cluster, prefix string) []cobra.Completion {
	c, err := cluster.Client()
	if err != nil {
		return nil
	}
	ns, err := cluster.Namespace()
	if err != nil {
		return nil
	}
	var list unionsv1.ExitTreatyList
	if err := c.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return nil
	}
	var names []cobra.Completion
	for _, t := range list.Items {
		if strings.HasPrefix(t.Name, prefix) {
			names = append(names, cobra.CompletionWithDesc(t.Name, string(t.Status.Phase)))
		}
	}
	return names
}
