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

package overrides

import (
	"maps"
	"strconv"
	"strings"
	"testing"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

var terms = Terms{
	Standards: []Standard{
		{Federation: "north", Name: "replicas", Parameters: map[string]unionsv1.Parameter{
			"maxReplicas": {Default: "5", Min: "1", Max: "10"},
		}},
		{Federation: "north", Name: "surge", Parameters: map[string]unionsv1.Parameter{
			"maxReplicas": {Default: "5", Min: "2", Max: "8"},
		}},
		{Federation: "north", Name: "owner", Parameters: map[string]unionsv1.Parameter{
			"team": {Default: "platform"},
		}},
		{Federation: "river", Name: "ratio", Parameters: map[string]unionsv1.Parameter{
			"share": {Default: "0.5", Min: "0", Max: "1"},
		}},
		{Federation: "river", Name: "plain"},
	},
	Objects: []Object{
		{Federation: "north", Name: "quota"},
		{Federation: "river", Name: "limits", Overridable: true},
	},
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]string
		// wantKeys are the invalid keys, in order; wantMessage is part of the first message.
		wantKeys    []string
		wantMessage string
	}{
		{name: "none", overrides: nil},
		{name: "in bounds", overrides: map[string]string{"replicas.maxReplicas": "3", "ratio.share": "0.25"}},
		{name: "at the bounds", overrides: map[string]string{"ratio.share": "1", "owner.team": "any text"}},
		{name: "replacing an overridable object", overrides: map[string]string{"limits.replacedBy": "my-limits"}},
		{name: "above the maximum", overrides: map[string]string{"replicas.maxReplicas": "11"},
			wantKeys: []string{"replicas.maxReplicas"}, wantMessage: "11 is above the maximum 10"},
		{name: "below the minimum", overrides: map[string]string{"ratio.share": "-0.01"},
			wantKeys: []string{"ratio.share"}, wantMessage: "below the minimum 0"},
		{name: "not a number", overrides: map[string]string{"replicas.maxReplicas": "three"},
			wantKeys: []string{"replicas.maxReplicas"}, wantMessage: `"three" is not a number`},
		{name: "exponent is not a number here", overrides: map[string]string{"replicas.maxReplicas": "1e1"},
			wantKeys: []string{"replicas.maxReplicas"}, wantMessage: "not a number"},
		{name: "unknown standard", overrides: map[string]string{"speed.max": "1"},
			wantKeys: []string{"speed.max"}, wantMessage: "no standard or object named speed"},
		{name: "unknown parameter", overrides: map[string]string{"replicas.minReplicas": "1"},
			wantKeys: []string{"replicas.minReplicas"}, wantMessage: "declares no parameter minReplicas (it declares maxReplicas)"},
		{name: "a standard without parameters", overrides: map[string]string{"plain.x": "1"},
			wantKeys: []string{"plain.x"}, wantMessage: "declares no parameter x"},
		{name: "a parameter shared with a stricter standard", overrides: map[string]string{"replicas.maxReplicas": "9"},
			wantKeys: []string{"replicas.maxReplicas"}, wantMessage: "standard surge reads parameter maxReplicas too: 9 is above the maximum 8"},
		{name: "a shared parameter set twice alike", overrides: map[string]string{"replicas.maxReplicas": "4", "surge.maxReplicas": "4"}},
		{name: "a shared parameter set twice apart", overrides: map[string]string{"replicas.maxReplicas": "4", "surge.maxReplicas": "3"},
			wantKeys: []string{"surge.maxReplicas"}, wantMessage: `already set to "4" by replicas.maxReplicas`},
		{name: "a core object", overrides: map[string]string{"quota.replacedBy": "mine"},
			wantKeys: []string{"quota.replacedBy"}, wantMessage: "object quota of federation north is not overridable"},
		{name: "an object field other than replacedBy", overrides: map[string]string{"limits.spec": "x"},
			wantKeys: []string{"limits.spec"}, wantMessage: "overridden by limits.replacedBy only"},
		{name: "a replacement that is no name", overrides: map[string]string{"limits.replacedBy": "Not A Name"},
			wantKeys: []string{"limits.replacedBy"}, wantMessage: "is not an object name"},
		{name: "not a key", overrides: map[string]string{"replicas": "3"},
			wantKeys: []string{"replicas"}, wantMessage: "keys are <standard>.<parameter>"},
		{name: "every bad key, sorted", overrides: map[string]string{"z.a": "1", "replicas.maxReplicas": "0", "a.b": "1"},
			wantKeys: []string{"a.b", "replicas.maxReplicas", "z.a"}, wantMessage: "no standard or object named a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.overrides, terms)
			var keys []string
			for _, inv := range got {
				keys = append(keys, inv.Key)
			}
			if strings.Join(keys, ",") != strings.Join(tt.wantKeys, ",") {
				t.Fatalf("invalid keys %v, want %v (%v)", keys, tt.wantKeys, got)
			}
			if len(got) > 0 && !strings.Contains(got[0].Error(), tt.wantMessage) {
				t.Errorf("message %q does not contain %q", got[0].Error(), tt.wantMessage)
			}
			if len(got) > 0 && !strings.Contains(got[0].Error(), `"`+got[0].Key+`"`) {
				t.Errorf("message %q does not name the key", got[0].Error())
			}
		})
	}
}

func TestParameters(t *testing.T) {
	north := terms.Standards[:3]
	tests := []struct {
		name      string
		overrides map[string]string
		want      map[string]string
	}{
		{"defaults", nil, map[string]string{"maxReplicas": "5", "team": "platform"}},
		{"an override in bounds", map[string]string{"replicas.maxReplicas": "3"}, map[string]string{"maxReplicas": "3", "team": "platform"}},
		{"an override out of bounds keeps the default", map[string]string{"replicas.maxReplicas": "30", "owner.team": "ml"},
			map[string]string{"maxReplicas": "5", "team": "ml"}},
		{"overrides of other federations do not reach this one", map[string]string{"ratio.share": "1"},
			map[string]string{"maxReplicas": "5", "team": "platform"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parameters(north, tt.overrides); !maps.Equal(got, tt.want) {
				t.Errorf("Parameters = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReplaced(t *testing.T) {
	got := Replaced(map[string]string{"limits.replacedBy": "mine", "quota.replacedBy": "mine-too"}, terms.Objects)
	if want := map[string]string{"limits": "mine"}; !maps.Equal(got, want) {
		t.Errorf("Replaced = %v, want %v (a core object is never replaced)", got, want)
	}
}

// FuzzBounds checks InBounds against float arithmetic: it never panics, it
// accepts only numbers, and what it accepts lies within the bounds.
func FuzzBounds(f *testing.F) {
	f.Add("3", "1", "10")
	f.Add("10", "1", "10")
	f.Add("10.000000000000000001", "1", "10")
	f.Add("-0.5", "-1", "0")
	f.Add("abc", "1", "2")
	f.Add("1e3", "", "")
	f.Add("7", "", "5")
	f.Fuzz(func(t *testing.T, value, lo, hi string) {
		p := unionsv1.Parameter{Default: value, Min: lo, Max: hi}
		err := InBounds(value, p)
		if lo == "" && hi == "" {
			if err != nil {
				t.Fatalf("no bounds, yet %q refused: %v", value, err)
			}
			return
		}
		v, vErr := strconv.ParseFloat(value, 64)
		if err == nil {
			if !number.MatchString(value) || vErr != nil {
				t.Fatalf("accepted %q, which is not a number", value)
			}
			// Rounding to float64 is monotonic: exact order implies float order.
			if l, e := strconv.ParseFloat(lo, 64); number.MatchString(lo) && e == nil && v < l {
				t.Fatalf("accepted %q below min %q", value, lo)
			}
			if h, e := strconv.ParseFloat(hi, 64); number.MatchString(hi) && e == nil && v > h {
				t.Fatalf("accepted %q above max %q", value, hi)
			}
			return
		}
		if !number.MatchString(value) {
			return
		}
		// Refused a number: it must lie outside a bound (or on it after rounding).
		l, le := strconv.ParseFloat(lo, 64)
		h, he := strconv.ParseFloat(hi, 64)
		below := number.MatchString(lo) && le == nil && v <= l
		above := number.MatchString(hi) && he == nil && v >= h
		if !below && !above {
			t.Fatalf("refused %q within [%q, %q]: %v", value, lo, hi, err)
		}
	})
}
