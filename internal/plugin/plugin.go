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

// Package plugin is the kubectl plugin `kubectl unions`: a table of every
// union (status), the federations' nesting with their members (tree), and
// verification of an ExitTreaty's audit chain from the object alone
// (audit verify). The renderers take typed objects and write to an
// io.Writer, so they are tested against golden files; the commands only
// fetch objects and hand them over.
package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/version"
)

// ErrReported is returned by a command that has already told the user what
// went wrong (such as a broken audit chain): the caller exits 1 and prints
// nothing more.
var ErrReported = errors.New("reported")

// Cluster gives a command a client and the namespace of the current context
// (or of --namespace).
type Cluster interface {
	Client() (client.Reader, error)
	Namespace() (string, error)
}

// NewCommand returns the root command of kubectl-unions, reading the cluster
// through the standard kubectl flags (--kubeconfig, --context, --namespace, …).
func NewCommand(streams genericiooptions.IOStreams) *cobra.Command {
	flags := genericclioptions.NewConfigFlags(true)
	cmd := newRootCommand(streams, &kubeconfigCluster{flags: flags})
	flags.AddFlags(cmd.PersistentFlags())
	return cmd
}

// newRootCommand builds the command tree over any Cluster, so that tests can
// hand it one of their own.
func newRootCommand(streams genericiooptions.IOStreams, cluster Cluster) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kubectl-unions",
		Short: "Inspect union-operator's unions: status, nesting and audit chains",
		Long: `kubectl unions shows the unions of union-operator (Coalitions, Alliances and
Federations) and verifies the audit chains of ExitTreaties.`,
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl unions"},
		Version:       version.Get().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.AddCommand(
		newStatusCommand(streams, cluster),
		newTreeCommand(streams, cluster),
		newAuditCommand(streams, cluster),
	)
	return cmd
}

// kubeconfigCluster reads the cluster named by the kubectl flags.
type kubeconfigCluster struct {
	flags *genericclioptions.ConfigFlags
}

func (k *kubeconfigCluster) Client() (client.Reader, error) {
	cfg, err := k.flags.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = "kubectl-unions"
	return client.New(cfg, client.Options{Scheme: Scheme()})
}

func (k *kubeconfigCluster) Namespace() (string, error) {
	ns, _, err := k.flags.ToRawKubeConfigLoader().Namespace()
	return ns, err
}

// Scheme knows the built-in kinds and union-operator's.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = unionsv1.AddToScheme(s)
	return s
}

// Unions holds every union of the cluster, by kind.
type Unions struct {
	Coalitions  []unionsv1.Coalition
	Alliances   []unionsv1.Alliance
	Federations []unionsv1.Federation
}

// Len is the number of unions of all kinds.
func (u Unions) Len() int { return len(u.Coalitions) + len(u.Alliances) + len(u.Federations) }

// listUnions lists the three union kinds.
func listUnions(ctx context.Context, c client.Reader) (Unions, error) {
	var (
		cl unionsv1.CoalitionList
		al unionsv1.AllianceList
		fl unionsv1.FederationList
	)
	for _, l := range []client.ObjectList{&cl, &al, &fl} {
		if err := c.List(ctx, l); err != nil {
			return Unions{}, fmt.Errorf("listing unions: %w", err)
		}
	}
	return Unions{Coalitions: cl.Items, Alliances: al.Items, Federations: fl.Items}, nil
}

// unionsCommand is a command that lists every union of the cluster and
// renders them, or prints them with -o json|yaml. A user who may not list
// unions cluster-wide (a namespace's edit or view role grants no
// cluster-scoped kind) is shown the Memberships of their namespace and the
// unions they name instead.
func unionsCommand(streams genericiooptions.IOStreams, cluster Cluster, use, short, example string, render func(io.Writer, Unions) error) *cobra.Command {
	out := newOutput()
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			c, err := cluster.Client()
			if err != nil {
				return err
			}
			unions, err := listUnions(cmd.Context(), c)
			if apierrors.IsForbidden(err) {
				return showTenancy(cmd.Context(), streams, cluster, c, out, err)
			}
			if err != nil {
				return err
			}
			if out.format != "" {
				return out.print(streams.Out, unions.objects())
			}
			if unions.Len() == 0 {
				_, err := fmt.Fprintln(streams.ErrOut, "No unions found.")
				return err
			}
			return render(streams.Out, unions)
		},
	}
	cmd.Flags().StringVarP(&out.format, "output", "o", "", fmt.Sprintf("Output format: %v; empty for the command's own table.", out.flags.AllowedFormats()))
	return cmd
}

// showTenancy shows the Memberships of the user's namespace, and the unions
// they name, when unions cannot be listed; refused is that refusal, returned
// when the Memberships cannot be read either.
func showTenancy(ctx context.Context, streams genericiooptions.IOStreams, cluster Cluster, c client.Reader, out *output, refused error) error {
	ns, err := cluster.Namespace()
	if err != nil {
		return err
	}
	t, err := readTenancy(ctx, c, ns)
	if err != nil {
		return fmt.Errorf("%w; %w", refused, err)
	}
	if out.format != "" {
		return out.print(streams.Out, t.objects())
	}
	if len(t.Memberships) == 0 {
		_, err := fmt.Fprintf(streams.ErrOut, "Unions cannot be listed cluster-wide with these credentials, and namespace %s has no Memberships.\n", ns)
		return err
	}
	return RenderTenancy(streams.Out, t)
}
