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

package standards

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	celconfig "k8s.io/apiserver/pkg/apis/cel"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Result is one standard's verdict on one object. It carries the verdict
// only: never what the expression evaluated to, nor the text of an
// evaluation error, which may quote the object (an environment variable, a
// secret reference) into a status every tenant of the union can read.
type Result struct {
	Standard  string
	Compliant bool
	// Reason is why the object fails: NotMet, or EvaluationError ("" when
	// compliant).
	Reason unionsv1.ComplianceReason
	// Message is the standard's own message, as its union declares it.
	Message string
}

// Evaluate judges an agent object against every standard that compiled, as
// the API server judges its creation: the same evaluator, cost budget and
// failure policy (an evaluation error fails the standard). params is the
// params object of a union with parameters, nil otherwise. The authorizer
// variable is unbound, since an existing object has no requesting user.
func (s *Set) Evaluate(ctx context.Context, obj *unstructured.Unstructured, params runtime.Object) []Result {
	gvk := obj.GroupVersionKind()
	gvr := Resource(gvk)
	attrs := admission.NewAttributesRecord(obj, nil, gvk, obj.GetNamespace(), obj.GetName(), gvr, "",
		admission.Create, &metav1.CreateOptions{}, false, nil)
	versioned := &admission.VersionedAttributes{Attributes: attrs, VersionedObject: admission.NewLazyObject(obj), VersionedKind: gvk}

	out := make([]Result, len(s.Compiled))
	for i, c := range s.Compiled {
		out[i] = Result{Standard: c.Name, Compliant: true}
		res := c.validator.Validate(ctx, gvr, versioned, params, nil, celconfig.RuntimeCELCostBudget, nil)
		for _, d := range res.Decisions {
			if d.Action != validating.ActionDeny {
				continue
			}
			out[i].Compliant, out[i].Reason, out[i].Message = false, unionsv1.ComplianceNotMet, strings.TrimPrefix(Message(c.Standard), c.Name+": ")
			if d.Evaluation == validating.EvalError {
				out[i].Reason, out[i].Message = unionsv1.ComplianceEvaluationError, "the standard's expression could not be evaluated on this agent"
			}
		}
	}
	return out
}

// resources are the resources of the kinds agents are made of.
var resources = map[string]string{
	"Deployment":  "deployments",
	"StatefulSet": "statefulsets",
	"DaemonSet":   "daemonsets",
	"Pod":         "pods",
}

// Resource is the resource of an agent kind.
func Resource(gvk schema.GroupVersionKind) schema.GroupVersionResource {
	r, ok := resources[gvk.Kind]
	if !ok {
		r = strings.ToLower(gvk.Kind) + "s"
	}
	return gvk.GroupVersion().WithResource(r)
}

// Judged reports whether admission judges an agent object of this kind
// directly: workloads and bare Pods are judged, a Pod its workload controls
// is judged through the workload (as the policies' match condition says).
func Judged(kind string, obj metav1.Object) bool {
	if kind != "Pod" {
		return true
	}
	for _, r := range obj.GetOwnerReferences() {
		if r.Controller != nil && *r.Controller && (r.Kind == "ReplicaSet" || r.Kind == "StatefulSet" || r.Kind == "DaemonSet") {
			return false
		}
	}
	return true
}
