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

package coalition

import (
	"testing"
	"time"
)

func TestWarningTime(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		lifetime time.Duration
		want     time.Duration // before the deadline
	}{
		{"short coalition warns at 10%", 10 * time.Minute, time.Minute},
		{"ten hours warns one hour ahead", 10 * time.Hour, time.Hour},
		{"long coalition is capped at an hour", 72 * time.Hour, time.Hour},
		{"deadline before creation gives no lead", -time.Hour, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deadline := t0.Add(tt.lifetime)
			if got := deadline.Sub(WarningTime(t0, deadline)); got != tt.want {
				t.Errorf("warning lead = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzWarningTime checks the deadline arithmetic for any creation time and
// lifetime: the warning never comes after the deadline, never more than an
// hour before it, and never before the coalition existed.
func FuzzWarningTime(f *testing.F) {
	f.Add(int64(0), int64(time.Hour))
	f.Add(int64(1_700_000_000), int64(72*time.Hour))
	f.Add(int64(1_700_000_000), int64(-time.Minute))
	f.Add(int64(-1), int64(1))
	f.Fuzz(func(t *testing.T, createdUnix int64, lifetime int64) {
		// Keep times within what metav1 serialises (years 0001-9999).
		created := time.Unix(createdUnix%(200*365*24*3600), 0).UTC()
		life := time.Duration(lifetime % int64(100*365*24*time.Hour))
		deadline := created.Add(life)
		warn := WarningTime(created, deadline)
		if warn.After(deadline) {
			t.Fatalf("warning %v after deadline %v", warn, deadline)
		}
		if lead := deadline.Sub(warn); lead > maxWarning {
			t.Fatalf("warning %v ahead of the deadline, more than %v", lead, maxWarning)
		}
		if life >= 0 && warn.Before(created) {
			t.Fatalf("warning %v before creation %v", warn, created)
		}
	})
}
