package tally

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

type counts struct{ yes, no, abstain, eligible, delegated int }

func countsOf(r Result) counts {
	return counts{r.For, r.Against, r.Abstain, r.Eligible, r.Delegated}
}

func TestCount(t *testing.T) {
	direct := func(c Choice) Vote { return Vote{Choice: c, Route: Direct} }
	via := func(c Choice, ns string) Vote { return Vote{Choice: c, Via: ns, Route: Delegated} }
	cycle := Vote{Choice: Abstain, Route: Cycle}
	outside := Vote{Choice: Abstain, Route: OutsideDelegate}

	tests := []struct {
		name  string
		e     Electorate
		want  counts
		votes map[string]Vote
	}{
		{
			name:  "no members",
			e:     Electorate{Ballots: map[string]Choice{"a": For}},
			want:  counts{},
			votes: map[string]Vote{},
		},
		{
			name:  "nobody voted yet",
			e:     Electorate{Members: []string{"a", "b"}},
			want:  counts{eligible: 2},
			votes: map[string]Vote{},
		},
		{
			name: "direct votes",
			e: Electorate{
				Members: []string{"a", "b", "c", "d"},
				Ballots: map[string]Choice{"a": For, "b": Against, "c": Abstain},
			},
			want:  counts{yes: 1, no: 1, abstain: 1, eligible: 4},
			votes: map[string]Vote{"a": direct(For), "b": direct(Against), "c": direct(Abstain)},
		},
		{
			name: "delegated vote",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"b": "a"},
				Ballots:   map[string]Choice{"a": Against},
			},
			want:  counts{no: 2, eligible: 2, delegated: 1},
			votes: map[string]Vote{"a": direct(Against), "b": via(Against, "a")},
		},
		{
			name: "delegated abstention is a delegated vote",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"b": "a"},
				Ballots:   map[string]Choice{"a": Abstain},
			},
			want:  counts{abstain: 2, eligible: 2, delegated: 1},
			votes: map[string]Vote{"a": direct(Abstain), "b": via(Abstain, "a")},
		},
		{
			name: "direct ballot overrides delegation",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"b": "a"},
				Ballots:   map[string]Choice{"a": For, "b": Against},
			},
			want:  counts{yes: 1, no: 1, eligible: 2},
			votes: map[string]Vote{"a": direct(For), "b": direct(Against)},
		},
		{
			name: "direct ballot overrides a broken delegation",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"a": "a", "b": "outsider"},
				Ballots:   map[string]Choice{"a": For, "b": Against},
			},
			want:  counts{yes: 1, no: 1, eligible: 2},
			votes: map[string]Vote{"a": direct(For), "b": direct(Against)},
		},
		{
			name: "transitive delegation",
			e: Electorate{
				Members:   []string{"a", "b", "c", "d"},
				Delegates: map[string]string{"a": "b", "b": "c", "c": "d"},
				Ballots:   map[string]Choice{"d": For},
			},
			want:  counts{yes: 4, eligible: 4, delegated: 3},
			votes: map[string]Vote{"a": via(For, "d"), "b": via(For, "d"), "c": via(For, "d"), "d": direct(For)},
		},
		{
			name: "transitive delegation stops at the first ballot",
			e: Electorate{
				Members:   []string{"a", "b", "c"},
				Delegates: map[string]string{"a": "b", "b": "c"},
				Ballots:   map[string]Choice{"b": Against, "c": For},
			},
			want:  counts{yes: 1, no: 2, eligible: 3, delegated: 1},
			votes: map[string]Vote{"a": via(Against, "b"), "b": direct(Against), "c": direct(For)},
		},
		{
			name: "delegation cycle counts as abstention",
			e: Electorate{
				Members:   []string{"a", "b", "c", "d"},
				Delegates: map[string]string{"a": "b", "b": "c", "c": "a", "d": "a"},
			},
			want:  counts{abstain: 4, eligible: 4},
			votes: map[string]Vote{"a": cycle, "b": cycle, "c": cycle, "d": cycle},
		},
		{
			name: "self-delegation is a cycle",
			e: Electorate{
				Members:   []string{"a"},
				Delegates: map[string]string{"a": "a"},
			},
			want:  counts{abstain: 1, eligible: 1},
			votes: map[string]Vote{"a": cycle},
		},
		{
			name: "cycle broken by a ballot is no cycle",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"a": "b", "b": "a"},
				Ballots:   map[string]Choice{"b": For},
			},
			want:  counts{yes: 2, eligible: 2, delegated: 1},
			votes: map[string]Vote{"a": via(For, "b"), "b": direct(For)},
		},
		{
			name: "delegation to a non-member counts as abstention",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"a": "outsider", "b": "a"},
				Ballots:   map[string]Choice{"outsider": For},
			},
			want:  counts{abstain: 2, eligible: 2},
			votes: map[string]Vote{"a": outside, "b": outside},
		},
		{
			name: "chain ending at a member without ballot or delegate has not voted",
			e: Electorate{
				Members:   []string{"a", "b", "c"},
				Delegates: map[string]string{"a": "b", "b": "c"},
			},
			want:  counts{eligible: 3},
			votes: map[string]Vote{},
		},
		{
			name: "empty delegate is no delegate",
			e: Electorate{
				Members:   []string{"a", "b"},
				Delegates: map[string]string{"a": ""},
				Ballots:   map[string]Choice{"b": For},
			},
			want:  counts{yes: 1, eligible: 2},
			votes: map[string]Vote{"b": direct(For)},
		},
		{
			name: "non-member ballot ignored",
			e: Electorate{
				Members: []string{"a"},
				Ballots: map[string]Choice{"a": Against, "outsider": For, "other": For},
			},
			want:  counts{no: 1, eligible: 1},
			votes: map[string]Vote{"a": direct(Against)},
		},
		{
			name: "non-member delegations ignored",
			e: Electorate{
				Members:   []string{"a"},
				Delegates: map[string]string{"outsider": "a"},
				Ballots:   map[string]Choice{"a": For, "outsider": Against},
			},
			want:  counts{yes: 1, eligible: 1},
			votes: map[string]Vote{"a": direct(For)},
		},
		{
			name: "invalid choice is no ballot",
			e: Electorate{
				Members:   []string{"a", "b", "c"},
				Delegates: map[string]string{"a": "b", "b": "c"},
				Ballots:   map[string]Choice{"a": "Maybe", "b": "yes", "c": For},
			},
			want:  counts{yes: 3, eligible: 3, delegated: 2},
			votes: map[string]Vote{"a": via(For, "c"), "b": via(For, "c"), "c": direct(For)},
		},
		{
			name: "duplicate members deduplicated",
			e: Electorate{
				Members: []string{"a", "b", "a", "", "b", "a"},
				Ballots: map[string]Choice{"a": For, "": Against},
			},
			want:  counts{yes: 1, eligible: 2},
			votes: map[string]Vote{"a": direct(For)},
		},
		{
			name: "mixed",
			e: Electorate{
				Members: []string{"a", "b", "c", "d", "e", "f", "g", "h"},
				Delegates: map[string]string{
					"b": "a", "c": "b", // c → b → a (For)
					"d": "e", "e": "d", // cycle
					"f": "ghost", // outside
					"g": "h",     // h has not voted
					"a": "d",     // overridden by a's ballot
				},
				Ballots: map[string]Choice{"a": For, "ghost": Against},
			},
			want: counts{yes: 3, abstain: 3, eligible: 8, delegated: 2},
			votes: map[string]Vote{
				"a": direct(For), "b": via(For, "a"), "c": via(For, "a"),
				"d": cycle, "e": cycle, "f": outside,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Count(tt.e)
			if got := countsOf(r); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if !maps.Equal(r.Votes, tt.votes) {
				t.Errorf("votes = %v, want %v", r.Votes, tt.votes)
			}
			if ref := reference(tt.e); !sameResult(r, ref) {
				t.Errorf("reference disagrees: %+v", ref)
			}
		})
	}
}

func TestCountDoesNotModifyInput(t *testing.T) {
	e := Electorate{
		Members:   []string{"b", "a", "b"},
		Delegates: map[string]string{"a": "b"},
		Ballots:   map[string]Choice{"b": For},
	}
	Count(e)
	if strings.Join(e.Members, ",") != "b,a,b" || len(e.Delegates) != 1 || len(e.Ballots) != 1 {
		t.Fatalf("Count modified its input: %+v", e)
	}
}

func TestVoted(t *testing.T) {
	if got := (Result{For: 2, Against: 3, Abstain: 4, Eligible: 20, Delegated: 1}).Voted(); got != 9 {
		t.Fatalf("Voted = %d, want 9", got)
	}
}

func TestDecide(t *testing.T) {
	res := func(yes, no, abstain, eligible int) Result {
		return Result{For: yes, Against: no, Abstain: abstain, Eligible: eligible}
	}
	tests := []struct {
		name              string
		r                 Result
		quorum, threshold Percent
		closed            bool
		want              Decision
	}{
		{"open with votes missing", res(5, 0, 0, 10), 50, 50, false, Pending},
		{"open, quorum met, votes missing", res(9, 0, 0, 10), 50, 50, false, Pending},
		{"open, nobody voted", res(0, 0, 0, 10), 0, 0, false, Pending},
		{"early decision when all voted: passed", res(6, 4, 0, 10), 50, 50, false, Passed},
		{"early decision when all voted: rejected", res(4, 6, 0, 10), 50, 50, false, Rejected},
		{"early decision when all voted via abstention", res(0, 0, 3, 3), 50, 50, false, Rejected},
		{"passed at close", res(3, 1, 1, 10), 50, 50, true, Passed},
		{"quorum missed → expired", res(3, 0, 1, 10), 50, 50, true, Expired},
		{"quorum exactly met", res(3, 0, 2, 10), 50, 50, true, Passed},
		{"abstentions count toward the quorum", res(1, 0, 4, 10), 50, 50, true, Passed},
		{"threshold missed → rejected", res(2, 3, 0, 10), 50, 50, true, Rejected},
		{"tie at 50% → rejected", res(3, 3, 0, 6), 50, 50, true, Rejected},
		{"just over two thirds", res(67, 33, 0, 100), 50, 66, true, Passed},
		{"two of three is more than 66%", res(2, 1, 0, 3), 0, 66, true, Passed},
		{"exactly 66% is not more than 66%", res(66, 34, 0, 100), 0, 66, true, Rejected},
		{"abstentions do not count toward the threshold", res(2, 1, 50, 53), 50, 60, true, Passed},
		{"only abstentions → rejected", res(0, 0, 5, 5), 100, 0, true, Rejected},
		{"threshold 0% needs one yes", res(1, 99, 0, 100), 0, 0, true, Passed},
		{"threshold 0% without yes", res(0, 1, 0, 100), 0, 0, true, Rejected},
		{"threshold 100% is unanimity", res(7, 0, 3, 10), 0, 100, true, Passed},
		{"threshold 100% with one no", res(99, 1, 0, 100), 0, 100, true, Rejected},
		{"threshold 100% with no yes", res(0, 0, 1, 1), 0, 100, true, Rejected},
		{"quorum 100% with one missing", res(9, 0, 0, 10), 100, 50, true, Expired},
		{"quorum 100% all voted", res(9, 0, 1, 10), 100, 50, false, Passed},
		{"quorum 0% nobody voted", res(0, 0, 0, 10), 0, 50, true, Rejected},
		{"no eligible members", res(0, 0, 0, 0), 50, 50, false, Rejected},
		{"out-of-range percentages are clamped", res(5, 5, 0, 20), -10, 200, true, Rejected},
		{"quorum above 100% clamped to 100%", res(1, 0, 0, 1), 150, 50, false, Passed},
		{"large electorate", res(600_000, 400_000, 0, 1_000_000), 100, 59, false, Passed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Decide(tt.r, tt.quorum, tt.threshold, tt.closed); got != tt.want {
				t.Fatalf("Decide(%+v, %v, %v, closed=%v) = %s, want %s", tt.r, tt.quorum, tt.threshold, tt.closed, got, tt.want)
			}
		})
	}
}

// TestCountThenDecide follows a proposal from open to an early decision.
func TestCountThenDecide(t *testing.T) {
	e := Electorate{
		Members:   []string{"a", "b", "c"},
		Delegates: map[string]string{"c": "b"},
		Ballots:   map[string]Choice{"a": For},
	}
	if d := Decide(Count(e), 50, 50, false); d != Pending {
		t.Fatalf("with b and c missing: %s, want Pending", d)
	}
	e.Ballots["b"] = Against // c follows b
	if r := Count(e); Decide(r, 50, 50, false) != Rejected || r.Delegated != 1 {
		t.Fatalf("after b voted: %+v → %s, want Rejected with one delegated vote", r, Decide(r, 50, 50, false))
	}
	e.Ballots["c"] = For // c overrides its delegate
	if d := Decide(Count(e), 50, 50, false); d != Passed {
		t.Fatalf("after c voted directly: %s, want Passed", d)
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want Percent
		ok   bool
	}{
		{"0%", 0, true},
		{"5%", 5, true},
		{"50%", 50, true},
		{"66%", 66, true},
		{"99%", 99, true},
		{"100%", 100, true},
		{"101%", 0, false},
		{"1000%", 0, false},
		{"50", 0, false},
		{"%", 0, false},
		{"", 0, false},
		{"-1%", 0, false},
		{"+5%", 0, false},
		{"05%", 0, false},
		{"00%", 0, false},
		{" 50%", 0, false},
		{"50 %", 0, false},
		{"50%%", 0, false},
		{"50.5%", 0, false},
		{"0x10%", 0, false},
		{"５０%", 0, false},
		{"99999999999999999999%", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePercent(tt.in)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Fatalf("ParsePercent(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
				}
				if got.String() != tt.in {
					t.Fatalf("String() = %q, want %q", got.String(), tt.in)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParsePercent(%q) = %v, want an error", tt.in, got)
			}
			want := fmt.Sprintf(`invalid percentage %q: want a whole number from 0%% to 100%% followed by %%, like "50%%"`, tt.in)
			if err.Error() != want {
				t.Fatalf("error = %q, want %q", err, want)
			}
		})
	}
}

func TestParsePercentEveryValue(t *testing.T) {
	for n := range 101 {
		s := strconv.Itoa(n) + "%"
		if p, err := ParsePercent(s); err != nil || int(p) != n {
			t.Fatalf("ParsePercent(%q) = %v, %v", s, p, err)
		}
	}
}

var percentRE = regexp.MustCompile(PercentPattern)

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"0%", "50%", "100%", "101%", "05%", "", "%", "-1%", "1e2%", "٣%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePercent(s)
		if (err == nil) != percentRE.MatchString(s) {
			t.Fatalf("ParsePercent(%q) error = %v, but PercentPattern match = %v", s, err, err != nil)
		}
		if err != nil {
			if p != 0 || !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParsePercent(%q) = %v, %v", s, p, err)
			}
			return
		}
		if p < 0 || p > 100 || p.String() != s {
			t.Fatalf("ParsePercent(%q) = %v, which does not read back", s, p)
		}
	})
}

// reference counts the electorate the slow, obvious way: every member walks
// its own chain of delegates step by step with a fresh visited set, and
// nothing is shared between members.
func reference(e Electorate) Result {
	isMember := map[string]bool{}
	for _, m := range e.Members {
		if m != "" {
			isMember[m] = true
		}
	}
	r := Result{Eligible: len(isMember), Votes: map[string]Vote{}}
	for m := range isMember {
		visited := map[string]bool{}
		cur := m
		var v Vote
		voted := true
	walk:
		for {
			if c, ok := e.Ballots[cur]; ok && (c == For || c == Against || c == Abstain) {
				if cur == m {
					v = Vote{Choice: c, Route: Direct}
				} else {
					v = Vote{Choice: c, Via: cur, Route: Delegated}
				}
				break walk
			}
			visited[cur] = true
			next, ok := e.Delegates[cur]
			switch {
			case !ok || next == "":
				voted = false
				break walk
			case !isMember[next]:
				v = Vote{Choice: Abstain, Route: OutsideDelegate}
				break walk
			case visited[next]:
				v = Vote{Choice: Abstain, Route: Cycle}
				break walk
			}
			cur = next
		}
		if !voted {
			continue
		}
		r.Votes[m] = v
		switch v.Choice {
		case For:
			r.For++
		case Against:
			r.Against++
		case Abstain:
			r.Abstain++
		}
		if v.Via != "" {
			r.Delegated++
		}
	}
	return r
}

func sameResult(a, b Result) bool {
	return countsOf(a) == countsOf(b) && maps.Equal(a.Votes, b.Votes)
}

// fuzzNames are the namespaces a fuzzed electorate is made of: members are
// drawn from a to h, x and y are always outsiders, and the last is the empty
// name.
var fuzzNames = []string{"a", "b", "c", "d", "e", "f", "g", "h", "x", "y", ""}

// fuzzChoices are the ballots of a fuzzed electorate: none first, so that
// running out of bytes means no ballot.
var fuzzChoices = []Choice{"", For, Against, Abstain, "Maybe"}

// decodeElectorate turns bytes into an electorate of up to 8 members (with
// duplicates and empty names) drawn from fuzzNames: a count, the members,
// then for each name in turn its delegate and its ballot.
func decodeElectorate(data []byte) Electorate {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	e := Electorate{Delegates: map[string]string{}, Ballots: map[string]Choice{}}
	for range next() % 12 {
		if i := next() % 9; i < 8 {
			e.Members = append(e.Members, fuzzNames[i]) // a to h
		} else {
			e.Members = append(e.Members, "")
		}
	}
	for _, ns := range fuzzNames {
		if d := next() % (len(fuzzNames) + 1); d > 0 { // 0: no delegate
			e.Delegates[ns] = fuzzNames[d-1]
		}
		if c := fuzzChoices[next()%len(fuzzChoices)]; c != "" {
			e.Ballots[ns] = c
		}
	}
	return e
}

// countWithin runs Count, failing the test if it does not return in time:
// a short fuzz run ends before the fuzzer would notice a hang.
func countWithin(t *testing.T, e Electorate, limit time.Duration) Result {
	t.Helper()
	done := make(chan Result, 1)
	go func() { done <- Count(e) }()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		t.Fatalf("Count(%+v) did not return within %v", e, limit)
		return Result{}
	}
}

func FuzzCountMatchesReference(f *testing.F) {
	f.Add([]byte{})
	// a, b, c: a votes For, b delegates to a, c has not voted.
	f.Add([]byte{3, 0, 1, 2, 0, 1, 1, 0})
	// a, b, c: a → b → c → b, a cycle entered from outside it.
	f.Add([]byte{3, 0, 1, 2, 2, 0, 3, 0, 2, 0})
	// a, a, b, "": a delegates to outsider x, which votes; b votes Maybe.
	f.Add([]byte{4, 0, 0, 1, 8, 9, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	// All eight members: cycles, an outside delegate, direct ballots.
	f.Add([]byte{8, 0, 1, 2, 3, 4, 5, 6, 7, 2, 0, 3, 4, 1, 0, 5, 2, 4, 3, 6, 1, 9, 0, 11, 0, 0, 3, 10, 1, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		e := decodeElectorate(data)
		want := reference(e)
		// Count must not depend on the order of the members: try every
		// rotation, so that each member is the first to be resolved once.
		members := e.Members
		var got Result
		for i := range max(len(members), 1) {
			e.Members = append(members[i:len(members):len(members)], members[:i]...)
			got = countWithin(t, e, time.Second)
			if !sameResult(got, want) {
				t.Fatalf("electorate %+v:\nCount     = %+v\nreference = %+v", e, got, want)
			}
		}
		voted := got.Voted()
		if voted > got.Eligible || got.Delegated > voted || len(got.Votes) != voted {
			t.Fatalf("inconsistent result %+v", got)
		}
		for _, closed := range []bool{false, true} {
			d := Decide(got, 50, 50, closed)
			if (d == Pending) != (!closed && voted < got.Eligible) {
				t.Fatalf("Decide(%+v, closed=%v) = %s", got, closed, d)
			}
		}
	})
}
