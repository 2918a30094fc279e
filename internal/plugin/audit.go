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
)

func newAuditCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Work with the audit chains of ExitTreaties",
	}
	cmd.AddCommand(newAuditVerifyCommand(streams, cluster))
	return cmd
}

func newAuditVerifyCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	return &cobra.Command{
		Use:   "verify TREATY",
		Short: "Verify an ExitTreaty's hash-chained audit trail from the object alone",
		Long: `Verify recomputes every digest of the ExitTreaty's status.audit and checks
that seq runs 1..n. It prints OK with the head digest, or the first broken seq
and exits 1. For an Effective treaty it also compares the head digest with the
one the union recorded in status.formerMembers, which pins the whole chain
(entries cut off the end cannot be noticed from the chain itself).`,
		Example: `  # Verify the treaty leave-blue in namespace team-a
  kubectl unions audit verify -n team-a leave-blue`,
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
			var t unionsv1.ExitTreaty
			if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: ns, Name: args[0]}, &t); err != nil {
				return err
			}
			pin, err := recordedHead(cmd.Context(), c, &t)
			if err != nil {
				_, _ = fmt.Fprintf(streams.ErrOut, "Note: the head digest is not compared with the union's record: %v\n", err)
			}
			v := VerifyTreaty(&t, pin)
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
}

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

// Verification is the outcome of verifying a treaty's audit chain.
type Verification struct {
	// Treaty is namespace/name.
	Treaty string
	// Entries is the length of the chain.
	Entries int
	// Head is the final digest ("" for an empty chain).
	Head string
	// Broken is the first entry that fails, nil when the chain verifies.
	Broken *audit.BrokenError
	// Pin is the union's record of the head, when there is one.
	Pin *Pin
}

// OK reports whether the chain verifies and matches the union's record.
func (v Verification) OK() bool {
	return v.Broken == nil && (v.Pin == nil || v.Pin.Digest == v.Head)
}

// VerifyTreaty verifies the treaty's status.audit with the audit package and
// compares its head with pin, when given.
func VerifyTreaty(t *unionsv1.ExitTreaty, pin *Pin) Verification {
	chain := Chain(t.Status.Audit)
	v := Verification{Treaty: t.Namespace + "/" + t.Name, Entries: len(chain), Head: audit.Head(chain), Pin: pin}
	if err := audit.Verify(chain); err != nil {
		var broken *audit.BrokenError
		if !errors.As(err, &broken) {
			broken = &audit.BrokenError{Reason: err.Error()}
		}
		v.Broken = broken
	}
	return v
}

// Chain maps a treaty's audit entries to the audit package's.
func Chain(entries []unionsv1.AuditEntry) []audit.Entry {
	chain := make([]audit.Entry, len(entries))
	for i, e := range entries {
		chain[i] = audit.Entry{Seq: e.Seq, Time: e.Time.Time, Event: e.Event, Detail: e.Detail, Digest: e.Digest}
	}
	return chain
}

// RenderVerification writes one line: OK with the head digest, or BROKEN with
// the first broken seq, or a head that differs from the union's record.
func RenderVerification(w io.Writer, v Verification) error {
	var line string
	switch {
	case v.Broken != nil:
		line = fmt.Sprintf("BROKEN: ExitTreaty %s: first broken seq %d of %d entries: %s",
			v.Treaty, v.Broken.Seq, v.Entries, v.Broken.Reason)
	case v.Pin != nil && v.Pin.Digest != v.Head:
		line = fmt.Sprintf("BROKEN: ExitTreaty %s: %d entries verify, but head digest %s differs from %s, which %s recorded in formerMembers: entries are missing from the end",
			v.Treaty, v.Entries, orDash(v.Head), v.Pin.Digest, v.Pin.Union)
	case v.Entries == 0:
		line = fmt.Sprintf("OK: ExitTreaty %s: no audit entries yet", v.Treaty)
	default:
		line = fmt.Sprintf("OK: ExitTreaty %s: %s verify, head digest %s", v.Treaty, count(v.Entries, "entry", "entries"), v.Head)
		if v.Pin != nil {
			line += ", as " + v.Pin.Union + " recorded in formerMembers"
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
