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

// Package overrides judges a federation member's local override hooks
// (Membership.spec.overrides) against the constitution in force for it, and
// computes the parameters its admission policies read. It is pure.
//
// An override key is <standard>.<parameter> or <object>.replacedBy:
//
//   - <standard>.<parameter>: "<value>" sets a parameter a standard in force
//     declares (the federation's own or an ancestor's). With bounds the value
//     must be a number with min <= value <= max; without bounds any value goes.
//   - <object>.replacedBy: "<name>" replaces an object the constitution
//     declares overridable: true with the member's own object of the same
//     kind, named <name>, in its namespace. The operator stops propagating its
//     copy there; it does not look at the replacement.
//
// Anything else — an unknown standard, parameter or object, a value out of
// bounds or not a number, replacing an object that is not overridable — is
// an invalid override: the Membership is Rejected and the core stays in force.
package overrides

import (
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Reason is the reason a Membership with an invalid override is Rejected.
const Reason = "InvalidOverride"

// ReplacedBy is the override field that replaces an overridable object.
const ReplacedBy = "replacedBy"

// Standard is a standard in force for a member: the federation that declares
// it, its name and its parameters.
type Standard struct {
	Federation string
	Name       string
	Parameters map[string]unionsv1.Parameter
}

// Object is an object in force for a member: the federation that declares
// it, its name and whether members may replace it.
type Object struct {
	Federation  string
	Name        string
	Overridable bool
}

// Terms are what a member's overrides may touch.
type Terms struct {
	Standards []Standard
	Objects   []Object
}

// Invalid is an override the terms do not allow.
type Invalid struct {
	Key     string
	Message string
}

// Error names the override and says what is wrong with it.
func (i Invalid) Error() string { return fmt.Sprintf("override %q: %s", i.Key, i.Message) }

// Check returns the invalid overrides, sorted by key (nil when all are valid).
func Check(overrides map[string]string, t Terms) []Invalid {
	var out []Invalid
	// The value each (federation, parameter) is set to, and by which key:
	// standards of one federation share its params ConfigMap.
	set := map[[2]string]string{}
	for _, key := range slices.Sorted(maps.Keys(overrides)) {
		value := overrides[key]
		target, field, ok := strings.Cut(key, ".")
		if !ok || target == "" || field == "" {
			out = append(out, Invalid{key, "keys are <standard>.<parameter> or <object>." + ReplacedBy})
			continue
		}
		if s, found := findStandard(t.Standards, target); found {
			p, declared := s.Parameters[field]
			if !declared {
				out = append(out, Invalid{key, fmt.Sprintf("standard %s declares no parameter %s%s", target, field, declaredList(s))})
				continue
			}
			if err := InBounds(value, p); err != nil {
				out = append(out, Invalid{key, err.Error()})
				continue
			}
			// Other standards of the federation may read the same parameter:
			// the value must fit their bounds too.
			if bad := otherBounds(t.Standards, s, field, value); bad != "" {
				out = append(out, Invalid{key, bad})
				continue
			}
			id := [2]string{s.Federation, field}
			if prev, seen := set[id]; seen && overrides[prev] != value {
				out = append(out, Invalid{key, fmt.Sprintf("parameter %s of federation %s is already set to %q by %s", field, s.Federation, overrides[prev], prev)})
				continue
			}
			set[id] = key
			continue
		}
		if o, found := findObject(t.Objects, target); found {
			switch {
			case field != ReplacedBy:
				out = append(out, Invalid{key, fmt.Sprintf("an object is overridden by %s.%s only", target, ReplacedBy)})
			case !o.Overridable:
				out = append(out, Invalid{key, fmt.Sprintf("object %s of federation %s is not overridable: it is part of the core", target, o.Federation)})
			case len(validation.IsDNS1123Subdomain(value)) > 0:
				out = append(out, Invalid{key, fmt.Sprintf("%q is not an object name", value)})
			}
			continue
		}
		out = append(out, Invalid{key, fmt.Sprintf("no standard or object named %s is in force for this member", target)})
	}
	return out
}

// Parameters returns the params data of one federation for a member: every
// parameter its standards declare, at its default or at the member's valid
// override. standards are that federation's, in the order it declares them;
// a parameter two standards declare takes the first one's default.
func Parameters(standards []Standard, overrides map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range standards {
		for _, name := range slices.Sorted(maps.Keys(s.Parameters)) {
			if _, done := out[name]; !done {
				out[name] = s.Parameters[name].Default
			}
		}
	}
	all := Terms{Standards: standards}
	valid := map[string]string{}
	for key, value := range overrides {
		valid[key] = value
	}
	for _, inv := range Check(overrides, all) {
		delete(valid, inv.Key)
	}
	for _, key := range slices.Sorted(maps.Keys(valid)) {
		target, field, _ := strings.Cut(key, ".")
		if _, found := findStandard(standards, target); found {
			out[field] = valid[key]
		}
	}
	return out
}

// Replaced returns the objects of the terms a member replaced, by name, with
// the name of its replacement.
func Replaced(overrides map[string]string, objects []Object) map[string]string {
	out := map[string]string{}
	for _, o := range objects {
		if v, ok := overrides[o.Name+"."+ReplacedBy]; ok && o.Overridable && len(validation.IsDNS1123Subdomain(v)) == 0 {
			out[o.Name] = v
		}
	}
	return out
}

// number is the form of a numeric parameter, as the API admits min and max.
var number = regexp.MustCompile(`^-?[0-9]+([.][0-9]+)?$`)

// InBounds reports whether value may be set for a parameter: any value when
// the parameter declares no bounds, else a number within them.
func InBounds(value string, p unionsv1.Parameter) error {
	if p.Min == "" && p.Max == "" {
		return nil
	}
	v, ok := parse(value)
	if !ok {
		return fmt.Errorf("%q is not a number, such as 3 or 0.5", value)
	}
	if lo, ok := parse(p.Min); ok && v.Cmp(lo) < 0 {
		return fmt.Errorf("%s is below the minimum %s", value, p.Min)
	}
	if hi, ok := parse(p.Max); ok && v.Cmp(hi) > 0 {
		return fmt.Errorf("%s is above the maximum %s", value, p.Max)
	}
	return nil
}

// parse reads a decimal number exactly.
func parse(s string) (*big.Rat, bool) {
	if !number.MatchString(s) {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

func findStandard(list []Standard, name string) (Standard, bool) {
	i := slices.IndexFunc(list, func(s Standard) bool { return s.Name == name })
	if i < 0 {
		return Standard{}, false
	}
	return list[i], true
}

func findObject(list []Object, name string) (Object, bool) {
	i := slices.IndexFunc(list, func(o Object) bool { return o.Name == name })
	if i < 0 {
		return Object{}, false
	}
	return list[i], true
}

// otherBounds checks a value against the bounds of the other standards of
// the same federation that declare the same parameter.
func otherBounds(list []Standard, s Standard, param, value string) string {
	for _, o := range list {
		if o.Federation != s.Federation || o.Name == s.Name {
			continue
		}
		if p, ok := o.Parameters[param]; ok {
			if err := InBounds(value, p); err != nil {
				return fmt.Sprintf("standard %s reads parameter %s too: %v", o.Name, param, err)
			}
		}
	}
	return ""
}

func declaredList(s Standard) string {
	if len(s.Parameters) == 0 {
		return ""
	}
	return " (it declares " + strings.Join(slices.Sorted(maps.Keys(s.Parameters)), ", ") + ")"
}
