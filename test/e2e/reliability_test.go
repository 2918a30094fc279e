//go:build e2e

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

package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
	"github.com/kos-dev/union-operator/internal/audit"
	"github.com/kos-dev/union-operator/internal/badge"
)

// world is a set of namespaces full of agents, made for one spec.
type world struct {
	prefix     string
	namespaces []string
}

// newWorld creates namespaces, each with agent Deployments (no replicas, so
// no Pods of their own) and bare agent Pods bound to the kwok node.
func newWorld(prefix string, namespaces, deployments, pods int) *world {
	GinkgoHelper()
	w := &world{prefix: fmt.Sprintf("%s-%d", prefix, time.Now().Unix()%100000)}
	for i := range namespaces {
		ns := fmt.Sprintf("%s-%d", w.prefix, i)
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		w.namespaces = append(w.namespaces, ns)
	}
	// Pods need the namespace's default ServiceAccount, which the
	// controller-manager makes (later after an API server restart).
	for _, ns := range w.namespaces {
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "default"}, &corev1.ServiceAccount{})
		}).Should(Succeed())
	}
	DeferCleanup(func() {
		for _, ns := range w.namespaces {
			_ = k8sClient.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		}
	})
	var objs []client.Object
	for _, ns := range w.namespaces {
		for d := range deployments {
			name := fmt.Sprintf("agent-%d", d)
			labels := map[string]string{unionsv1.AgentLabel: name}
			objs = append(objs, &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](0),
					Selector: &metav1.LabelSelector{MatchLabels: labels},
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: labels},
						Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}}},
					},
				},
			})
		}
		for p := range pods {
			name := fmt.Sprintf("worker-%d", p)
			objs = append(objs, &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{unionsv1.AgentLabel: fmt.Sprintf("worker-%d", p%10)}},
				Spec: corev1.PodSpec{
					NodeName:   "kwok-node-0",
					Containers: []corev1.Container{{Name: "agent", Image: "registry.k8s.io/pause:3.10"}},
				},
			})
		}
	}
	createAll(objs)
	return w
}

// createAll creates objects with bounded concurrency.
func createAll(objs []client.Object) {
	GinkgoHelper()
	sem := make(chan struct{}, 32)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, o := range objs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := k8sClient.Create(ctx, o); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	Expect(errs).To(BeEmpty())
}

// badgeDiff lists every agent object (and Namespace) of the world whose
// badges differ from want(namespace): the diff between declared and actual.
func (w *world) badgeDiff(want func(ns string) badge.Set) []string {
	GinkgoHelper()
	var diff []string
	check := func(kind string, obj metav1.Object) {
		expected := want(obj.GetNamespace())
		if kind == "Namespace" {
			expected = want(obj.GetName())
		}
		if !expected.Matches(obj.GetLabels()) {
			diff = append(diff, fmt.Sprintf("%s %s/%s has %v, want %v", kind, obj.GetNamespace(), obj.GetName(), badge.Of(obj.GetLabels()), expected.Labels()))
		}
	}
	for _, ns := range w.namespaces {
		var deps appsv1.DeploymentList
		Expect(k8sClient.List(ctx, &deps, client.InNamespace(ns))).To(Succeed())
		for i := range deps.Items {
			check("Deployment", &deps.Items[i])
		}
		var pods corev1.PodList
		Expect(k8sClient.List(ctx, &pods, client.InNamespace(ns))).To(Succeed())
		for i := range pods.Items {
			check("Pod", &pods.Items[i])
		}
		nsObj := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, nsObj)).To(Succeed())
		check("Namespace", nsObj)
	}
	return diff
}

func openAlliance(name string, coolOff time.Duration) *unionsv1.Alliance {
	GinkgoHelper()
	a := &unionsv1.Alliance{ObjectMeta: metav1.ObjectMeta{Name: name}}
	a.Spec.Admission.Policy = unionsv1.AdmissionOpen
	a.Spec.Separation.CoolOff = &metav1.Duration{Duration: coolOff}
	Expect(k8sClient.Create(ctx, a)).To(Succeed())
	DeferCleanup(func() { _ = k8sClient.Delete(ctx, a) })
	return a
}

func join(ns string, ref unionsv1.UnionReference) {
	GinkgoHelper()
	m := &unionsv1.Membership{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: strings.ToLower(string(ref.Kind)) + "-" + ref.Name}}
	m.Spec.Union = ref
	Expect(k8sClient.Create(ctx, m)).To(Succeed())
}

func fileTreaty(ns, name string, ref unionsv1.UnionReference, coolOff time.Duration) {
	GinkgoHelper()
	t := &unionsv1.ExitTreaty{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	t.Spec.Union = ref
	t.Spec.Reason = "end-to-end test"
	t.Spec.CoolOff = &metav1.Duration{Duration: coolOff}
	Expect(k8sClient.Create(ctx, t)).To(Succeed())
}

// treatyAudit returns a treaty's phase and verified chain.
func treatyAudit(g Gomega, ns, name string) (unionsv1.ExitTreatyPhase, []audit.Entry) {
	t := &unionsv1.ExitTreaty{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, t)).To(Succeed())
	chain := audit.FromStatus(t.Status.Audit)
	g.Expect(audit.Verify(chain)).To(Succeed(), "audit chain of %s/%s", ns, name)
	return t.Status.Phase, chain
}

// noRepeatedEvents fails when an audit chain records one event twice.
func noRepeatedEvents(chain []audit.Entry) {
	GinkgoHelper()
	seen := map[string]bool{}
	for _, e := range chain {
		Expect(seen).NotTo(HaveKey(e.Event), "event %s recorded twice: %v", e.Event, chain)
		seen[e.Event] = true
	}
}

var _ = Describe("Reliability", Ordered, func() {
	It("converges to exactly the declared state after repeated SIGKILLs", func() {
		const namespaces, deployments, pods = 10, 30, 200
		w := newWorld("crash", namespaces, deployments, pods)
		ally := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: w.prefix + "-ally"}
		openAlliance(ally.Name, 10*time.Second)
		coal := unionsv1.UnionReference{Kind: unionsv1.KindCoalition, Name: w.prefix + "-coal"}
		deadline := time.Now().Add(25 * time.Second).Truncate(time.Second)
		c := &unionsv1.Coalition{ObjectMeta: metav1.ObjectMeta{Name: coal.Name}}
		c.Spec.Admission.Policy = unionsv1.AdmissionOpen
		c.Spec.ExpiresAt = &metav1.Time{Time: deadline}
		Expect(k8sClient.Create(ctx, c)).To(Succeed())
		DeferCleanup(func() { _ = k8sClient.Delete(ctx, c) })

		for i, ns := range w.namespaces {
			join(ns, ally)
			if i < namespaces/2 {
				join(ns, coal)
			}
		}
		leaving := w.namespaces[namespaces-2:]
		// Treaties need an Active membership: file them once the members joined.
		for _, ns := range leaving {
			Eventually(func() unionsv1.Standing {
				m := &unionsv1.Membership{}
				_ = k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "alliance-" + ally.Name}, m)
				return m.Status.Standing
			}).Should(Equal(unionsv1.StandingActive))
			fileTreaty(ns, "leave", ally, 10*time.Second)
		}

		By("killing the operator with SIGKILL at random moments while it badges, expires and separates")
		kills := 0
		for range 7 {
			time.Sleep(time.Duration(300+rand.IntN(2700)) * time.Millisecond)
			mainOperator.Kill()
			kills++
			mainOperator = startOperator("e2e-operator", probePort, metricsPort)
		}

		By("waiting for the declared state: alliance badges except on the separated, no coalition badge")
		want := func(ns string) badge.Set {
			for _, l := range leaving {
				if ns == l {
					return badge.Set{}
				}
			}
			return badge.Set{badge.Key(ally): unionsv1.RoleMember}
		}
		time.Sleep(time.Until(deadline))
		var diff []string
		Eventually(func() []string {
			diff = w.badgeDiff(want)
			return diff
		}).WithTimeout(4 * time.Minute).WithPolling(2 * time.Second).Should(BeEmpty())
		for _, ns := range leaving {
			Eventually(func(g Gomega) {
				phase, chain := treatyAudit(g, ns, "leave")
				g.Expect(phase).To(Equal(unionsv1.TreatyEffective))
				noRepeatedEvents(chain)
			}).Should(Succeed())
		}
		var all appsv1.DeploymentList
		for _, ns := range w.namespaces {
			Expect(k8sClient.List(ctx, &all, client.InNamespace(ns))).To(Succeed())
			for _, d := range all.Items {
				Expect(d.Annotations).NotTo(HaveKey("unions.kos.dev/reserve-prior-replicas"))
				Expect(d.Spec.Replicas).To(Equal(ptr.To[int32](0)))
			}
		}
		objects := namespaces * (deployments + pods)
		fmt.Fprintf(GinkgoWriter, "crash test: %d agents in %d namespaces, %d SIGKILLs, final diff %d entries\n", objects, namespaces, kills, len(diff))
		AddReportEntry("crash", fmt.Sprintf("agents=%d kills=%d final_diff=%d", objects, kills, len(diff)))
	})

	It("hands over to a second manager within the lease time when the leader dies, doing nothing twice", func() {
		mainOperator.Stop()
		DeferCleanup(func() { mainOperator = startOperator("e2e-operator", probePort, metricsPort) })
		const lease, retry = 8 * time.Second, time.Second
		leaderArgs := []string{"--leader-elect", "--leader-election-namespace=union-operator-system",
			"--leader-election-lease-duration=" + lease.String(), "--leader-election-renew-deadline=6s",
			"--leader-election-retry-period=" + retry.String()}

		leaseHolder := func() string {
			l := &coordinationv1.Lease{}
			if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: "union-operator-system", Name: "union-operator.unions.kos.dev"}, l); err != nil {
				return ""
			}
			return ptr.Deref(l.Spec.HolderIdentity, "")
		}
		a := startOperator("e2e-leader-a", 18093, 18094, leaderArgs...)
		Eventually(leaseHolder).Should(ContainSubstring("_"), "the first manager takes the lease")
		first := leaseHolder()
		b := startOperator("e2e-leader-b", 18095, 18096, leaderArgs...)
		DeferCleanup(b.Stop)

		w := newWorld("leader", 2, 5, 10)
		ally := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: w.prefix + "-ally"}
		openAlliance(ally.Name, 20*time.Second)
		join(w.namespaces[0], ally)
		join(w.namespaces[1], ally)
		Eventually(func() []string {
			return w.badgeDiff(func(string) badge.Set { return badge.Set{badge.Key(ally): unionsv1.RoleMember} })
		}).Should(BeEmpty())
		fileTreaty(w.namespaces[1], "leave", ally, 20*time.Second)
		Eventually(func(g Gomega) {
			phase, _ := treatyAudit(g, w.namespaces[1], "leave")
			g.Expect(phase).To(Equal(unionsv1.TreatyCoolingOff))
		}).Should(Succeed())

		By("killing the leader")
		killedAt := time.Now()
		a.Kill()
		Eventually(leaseHolder).WithTimeout(45 * time.Second).ShouldNot(Equal(first))
		takeover := time.Since(killedAt)
		fmt.Fprintf(GinkgoWriter, "leader election: takeover %.1fs after SIGKILL (lease %s, retry %s)\n", takeover.Seconds(), lease, retry)
		AddReportEntry("leader", fmt.Sprintf("takeover_seconds=%.1f", takeover.Seconds()))
		// A dead leader renews nothing: the follower takes over once the lease
		// runs out, on its next try (the suite polls every 250ms).
		Expect(takeover).To(BeNumerically("<", lease+2*retry+2*time.Second))

		By("the new leader finishes the exit without repeating an audit entry, and keeps badging")
		Eventually(func(g Gomega) {
			phase, chain := treatyAudit(g, w.namespaces[1], "leave")
			g.Expect(phase).To(Equal(unionsv1.TreatyEffective))
			noRepeatedEvents(chain)
		}).Should(Succeed())
		Eventually(func() []string {
			return w.badgeDiff(func(ns string) badge.Set {
				if ns == w.namespaces[1] {
					return badge.Set{}
				}
				return badge.Set{badge.Key(ally): unionsv1.RoleMember}
			})
		}).Should(BeEmpty())
	})

	It("neither fights nor loses the labels of another field manager re-applying them for a minute", func() {
		w := newWorld("conflict", 1, 20, 0)
		ns := w.namespaces[0]
		ally := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: w.prefix + "-ally"}
		openAlliance(ally.Name, 0)
		join(ns, ally)
		want := func(string) badge.Set { return badge.Set{badge.Key(ally): unionsv1.RoleMember} }
		Eventually(func() []string { return w.badgeDiff(want) }).Should(BeEmpty())
		// Let the status writes of joining settle before counting.
		Eventually(func() bool {
			before := mainOperator.Writes()
			time.Sleep(2 * time.Second)
			return mainOperator.Writes() == before
		}).Should(BeTrue())
		before := mainOperator.Writes()

		By("a GitOps tool re-applies its labels and a user edits annotations, for a minute")
		end := time.Now().Add(time.Minute)
		rounds := 0
		for i := 0; time.Now().Before(end); i++ {
			name := fmt.Sprintf("agent-%d", i%20)
			u := &unstructured.Unstructured{}
			u.SetAPIVersion("apps/v1")
			u.SetKind("Deployment")
			u.SetNamespace(ns)
			u.SetName(name)
			u.SetLabels(map[string]string{unionsv1.AgentLabel: name, "gitops.example.com/revision": strconv.Itoa(i)})
			Expect(k8sClient.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("gitops"), client.ForceOwnership)).To(Succeed())
			d := &appsv1.Deployment{}
			Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, d)).To(Succeed())
			patch := client.MergeFrom(d.DeepCopy())
			d.Annotations = map[string]string{"edited-by": "user-" + strconv.Itoa(i)}
			Expect(k8sClient.Patch(ctx, d, patch, client.FieldOwner("kubectl-edit"))).To(Succeed())
			rounds++
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(2 * time.Second)
		writes := mainOperator.Writes() - before
		fmt.Fprintf(GinkgoWriter, "conflicts: %d rounds of foreign applies and edits in a minute, %d operator writes\n", rounds, writes)
		AddReportEntry("conflicts", fmt.Sprintf("foreign_rounds=%d operator_writes=%d", rounds, writes))
		Expect(writes).To(BeZero(), "the operator wrote while only foreign labels changed")
		Expect(w.badgeDiff(want)).To(BeEmpty())
		var deps appsv1.DeploymentList
		Expect(k8sClient.List(ctx, &deps, client.InNamespace(ns))).To(Succeed())
		for _, d := range deps.Items {
			Expect(d.Labels).To(HaveKey("gitops.example.com/revision"))
		}
	})

	It("recovers from an API server outage without a restart", func() {
		pid := mainOperator.Pid()
		raw, err := os.ReadFile(filepath.Join(repoRoot, ".dev", "pids", "kube-apiserver.pid"))
		Expect(err).NotTo(HaveOccurred())
		apiserver, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		Expect(err).NotTo(HaveOccurred())

		By("stopping kube-apiserver for ten seconds")
		Expect(syscall.Kill(apiserver, syscall.SIGKILL)).To(Succeed())
		time.Sleep(10 * time.Second)
		_, err = run(filepath.Join(repoRoot, "hack", "local-cluster", "up.sh"))
		Expect(err).NotTo(HaveOccurred())

		By("the same operator process converges on a change made after the outage")
		w := newWorld("outage", 1, 3, 5)
		ally := unionsv1.UnionReference{Kind: unionsv1.KindAlliance, Name: w.prefix + "-ally"}
		openAlliance(ally.Name, 0)
		join(w.namespaces[0], ally)
		Eventually(func() []string {
			return w.badgeDiff(func(string) badge.Set { return badge.Set{badge.Key(ally): unionsv1.RoleMember} })
		}).Should(BeEmpty())
		Expect(mainOperator.Running()).To(BeTrue())
		Expect(mainOperator.Pid()).To(Equal(pid))
	})
})
