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

package stepclock

import (
	"testing"
	"time"
)

func TestStepFiresDueTimers(t *testing.T) {
	c := New()
	start := c.Now()
	due := c.NewTimer(time.Hour)
	later := c.NewTimer(3 * time.Hour)
	c.Step(2 * time.Hour)
	select {
	case got := <-due.C():
		if got.Sub(start) < 2*time.Hour {
			t.Errorf("timer fired at %v, want at least 2h after %v", got, start)
		}
	case <-time.After(time.Second):
		t.Fatal("a timer whose deadline was stepped over did not fire")
	}
	select {
	case <-later.C():
		t.Fatal("a timer not yet due fired")
	default:
	}
	if later.Stop() != true {
		t.Error("Stop of an active timer reported it inactive")
	}
}

func TestTimersStillRunInRealTime(t *testing.T) {
	c := New()
	select {
	case <-c.After(10 * time.Millisecond):
	case <-time.After(5 * time.Second):
		t.Fatal("a short timer did not fire in real time")
	}
}

func TestResetMovesDeadline(t *testing.T) {
	c := New()
	tm := c.NewTimer(time.Hour)
	tm.Reset(5 * time.Hour)
	c.Step(2 * time.Hour)
	select {
	case <-tm.C():
		t.Fatal("a reset timer fired at its old deadline")
	default:
	}
	c.Step(4 * time.Hour)
	select {
	case <-tm.C():
	case <-time.After(time.Second):
		t.Fatal("a reset timer did not fire at its new deadline")
	}
}
