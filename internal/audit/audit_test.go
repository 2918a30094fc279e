package audit

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var t0 = time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)

type step struct {
	at     time.Duration
	event  string
	detail string
}

// exitSteps is the life of a typical treaty, with text that exercises the
// canonical escapes.
var exitSteps = []step{
	{0, "Proposed", `leaving "blue-pact" \ for good`},
	{time.Hour, "Mediation", "mediators: team-m\nwaiting\tfor approval"},
	{2 * time.Hour, "CoolingOff", "approved by team-m; <effective> & final"},
	{50 * time.Hour, "Effective", "assets: NetworkPolicy Retain, ünïcödé ✓ \u2028 \x7f \x01 /"},
}

func build(t testing.TB, steps []step) []Entry {
	t.Helper()
	var chain []Entry
	for _, s := range steps {
		var err error
		chain, err = Append(chain, t0.Add(s.at), s.event, s.detail)
		if err != nil {
			t.Fatalf("Append(%q): %v", s.event, err)
		}
	}
	return chain
}

// mutate returns a deep copy of chain changed by f.
func mutate(chain []Entry, f func(c []Entry) []Entry) []Entry {
	return f(append([]Entry(nil), chain...))
}

func wantBroken(t *testing.T, err error, seq int64, reason string) {
	t.Helper()
	var be *BrokenError
	if !errors.As(err, &be) {
		t.Fatalf("error = %v, want *BrokenError", err)
	}
	if be.Seq != seq || !strings.Contains(be.Reason, reason) {
		t.Fatalf("BrokenError = {Seq: %d, Reason: %q}, want seq %d and reason containing %q", be.Seq, be.Reason, seq, reason)
	}
}

func TestVerify(t *testing.T) {
	chain := build(t, exitSteps)
	forged := func(c []Entry, i int) { // re-seal entry i and all after it
		for ; i < len(c); i++ {
			prev := ""
			if i > 0 {
				prev = c[i-1].Digest
			}
			c[i].Digest = Digest(prev, c[i])
		}
	}
	tests := []struct {
		name   string
		chain  []Entry
		seq    int64  // 0: chain must verify
		reason string // substring of the BrokenError reason
	}{
		{name: "empty chain", chain: nil},
		{name: "one entry", chain: chain[:1]},
		{name: "several entries", chain: chain},
		{name: "prefix of a chain", chain: chain[:3]},
		{name: "tampered detail", seq: 2, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry { c[1].Detail += "!"; return c })},
		{name: "tampered event", seq: 3, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry { c[2].Event = "Withdrawn"; return c })},
		{name: "tampered time", seq: 3, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry { c[2].Time = c[2].Time.Add(time.Second); return c })},
		{name: "tampered digest", seq: 1, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry { c[0].Digest = strings.Repeat("0", 64); return c })},
		{name: "upper-case digest", seq: 4, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry { c[3].Digest = strings.ToUpper(c[3].Digest); return c })},
		{name: "tampered and re-sealed, next entry chains to the original", seq: 3, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry {
				c[1].Detail = "rewritten"
				c[1].Digest = Digest(c[0].Digest, c[1])
				return c
			})},
		{name: "empty digest", seq: 2, reason: "empty digest",
			chain: mutate(chain, func(c []Entry) []Entry { c[1].Digest = ""; return c })},
		{name: "reordered entries", seq: 3, reason: "sequence gap: expected seq 2",
			chain: mutate(chain, func(c []Entry) []Entry { c[1], c[2] = c[2], c[1]; return c })},
		{name: "reordered and renumbered", seq: 2, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry {
				c[1], c[2] = c[2], c[1]
				c[1].Seq, c[2].Seq = 2, 3
				return c
			})},
		{name: "removed entry", seq: 3, reason: "sequence gap: expected seq 2",
			chain: mutate(chain, func(c []Entry) []Entry { return append(c[:1], c[2:]...) })},
		{name: "removed and renumbered", seq: 2, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry {
				c = append(c[:1], c[2:]...)
				for i := range c {
					c[i].Seq = int64(i) + 1
				}
				return c
			})},
		{name: "removed first entry", seq: 2, reason: "sequence gap: expected seq 1",
			chain: mutate(chain, func(c []Entry) []Entry { return c[1:] })},
		{name: "inserted entry", seq: 3, reason: "sequence gap: expected seq 4",
			chain: mutate(chain, func(c []Entry) []Entry {
				extra, err := Append(c[:2:2], t0.Add(90*time.Minute), "Withdrawn", "never happened")
				if err != nil {
					t.Fatal(err)
				}
				return append(extra, c[2:]...)
			})},
		{name: "inserted and renumbered", seq: 4, reason: "digest mismatch",
			chain: mutate(chain, func(c []Entry) []Entry {
				extra, err := Append(c[:2:2], t0.Add(90*time.Minute), "Withdrawn", "never happened")
				if err != nil {
					t.Fatal(err)
				}
				c = append(extra, c[2:]...)
				for i := range c {
					c[i].Seq = int64(i) + 1
				}
				return c
			})},
		{name: "duplicated entry", seq: 2, reason: "sequence gap: expected seq 3",
			chain: mutate(chain, func(c []Entry) []Entry { return append(c[:2], c[1:]...) })},
		{name: "starts at seq 0", seq: 0, reason: "sequence gap: expected seq 1",
			chain: []Entry{{Seq: 0, Time: t0, Event: "Proposed", Digest: "x"}}},
		{name: "malformed entry with a matching digest", seq: 1, reason: "malformed entry: event must not be empty",
			chain: mutate(chain[:1], func(c []Entry) []Entry { c[0].Event = ""; forged(c, 0); return c })},
		{name: "invalid UTF-8 with a matching digest", seq: 1, reason: "malformed entry: detail is not valid UTF-8",
			chain: mutate(chain[:1], func(c []Entry) []Entry { c[0].Detail = "\xff"; forged(c, 0); return c })},
		{name: "zero time with a matching digest", seq: 1, reason: "malformed entry: time must not be zero",
			chain: mutate(chain[:1], func(c []Entry) []Entry { c[0].Time = time.Time{}; forged(c, 0); return c })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.chain)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantBroken(t, err, tt.seq, tt.reason)
		})
	}
}

// A chain rewritten and re-sealed from some entry to its end verifies on its
// own, as any self-contained hash chain does; its head, which an exit
// records elsewhere, gives it away.
func TestResealedChainChangesHead(t *testing.T) {
	chain := build(t, exitSteps)
	c := mutate(chain, func(c []Entry) []Entry {
		c[1].Detail = "rewritten"
		for i := 1; i < len(c); i++ {
			c[i].Digest = Digest(c[i-1].Digest, c[i])
		}
		return c
	})
	if err := Verify(c); err != nil {
		t.Fatalf("Verify of a re-sealed chain: %v", err)
	}
	if Head(c) == Head(chain) {
		t.Fatal("re-sealed chain kept its head")
	}
}

func TestBrokenErrorText(t *testing.T) {
	err := error(&BrokenError{Seq: 3, Reason: "digest mismatch"})
	if got, want := err.Error(), "audit chain broken at seq 3: digest mismatch"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestHead(t *testing.T) {
	if got := Head(nil); got != "" {
		t.Fatalf("Head(nil) = %q, want empty", got)
	}
	chain := build(t, exitSteps)
	if got := Head(chain); got != chain[len(chain)-1].Digest || len(got) != 64 {
		t.Fatalf("Head = %q, want the final digest", got)
	}
}

func TestAppend(t *testing.T) {
	var chain []Entry
	for i, s := range exitSteps {
		next, err := Append(chain, t0.Add(s.at), s.event, s.detail)
		if err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
		if len(next) != i+1 {
			t.Fatalf("len = %d, want %d", len(next), i+1)
		}
		e := next[i]
		want := Entry{Seq: int64(i) + 1, Time: t0.Add(s.at), Event: s.event, Detail: s.detail}
		want.Digest = Digest(Head(chain), want)
		if e != want {
			t.Fatalf("entry %d = %+v, want %+v", i, e, want)
		}
		if err := Verify(next); err != nil {
			t.Fatalf("Verify after Append %d: %v", i, err)
		}
		chain = next
	}
}

func TestAppendNeverWritesTheInputArray(t *testing.T) {
	base := build(t, exitSteps[:2])
	roomy := make([]Entry, 2, 10)
	copy(roomy, base)
	sentinel := Entry{Seq: 99, Event: "sentinel"}
	roomy[:3][2] = sentinel

	a, err := Append(roomy, t0.Add(time.Hour*3), "CoolingOff", "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Append(roomy, t0.Add(time.Hour*3), "Withdrawn", "b")
	if err != nil {
		t.Fatal(err)
	}
	if roomy[:3][2] != sentinel {
		t.Fatalf("Append wrote into the input's spare capacity: %+v", roomy[:3][2])
	}
	if &a[0] == &roomy[0] || &a[0] == &b[0] {
		t.Fatal("Append returned a slice sharing the input's backing array")
	}
	if a[2].Event != "CoolingOff" || b[2].Event != "Withdrawn" {
		t.Fatalf("appends interfered: %q, %q", a[2].Event, b[2].Event)
	}
	if err := errors.Join(Verify(a), Verify(b)); err != nil {
		t.Fatal(err)
	}
}

func TestAppendRefusesBrokenChain(t *testing.T) {
	chain := build(t, exitSteps)
	chain[1].Detail = "tampered"
	before := append([]Entry(nil), chain...)
	got, err := Append(chain, t0.Add(100*time.Hour), "Effective", "")
	if got != nil {
		t.Fatalf("Append returned a chain: %v", got)
	}
	wantBroken(t, err, 2, "digest mismatch")
	for i := range chain {
		if chain[i] != before[i] {
			t.Fatalf("Append changed entry %d", i)
		}
	}
}

func TestAppendRefusesInvalidEntry(t *testing.T) {
	chain := build(t, exitSteps[:1])
	tests := []struct {
		name          string
		t             time.Time
		event, detail string
		reason        string
	}{
		{"empty event", t0, "", "x", "event must not be empty"},
		{"event not UTF-8", t0, "Pro\xffposed", "", "event is not valid UTF-8"},
		{"detail not UTF-8", t0, "Proposed", "\xc3\x28", "detail is not valid UTF-8"},
		{"zero time", time.Time{}, "Proposed", "", "time must not be zero"},
		{"zero time after truncation", time.Time{}.Add(999 * time.Millisecond), "Proposed", "", "time must not be zero"},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "Proposed", "", "between years 0001 and 9999"},
		{"before year 1", time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), "Proposed", "", "between years 0001 and 9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Append(chain, tt.t, tt.event, tt.detail)
			if got != nil || !errors.Is(err, ErrInvalidEntry) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Append = %v, %v; want ErrInvalidEntry about %q", got, err, tt.reason)
			}
		})
	}
	// The bounds themselves are fine.
	for _, at := range []time.Time{time.Time{}.Add(time.Second), maxTime.Add(999 * time.Millisecond)} {
		if _, err := Append(chain, at, "Proposed", ""); err != nil {
			t.Fatalf("Append at %v: %v", at, err)
		}
	}
}

func TestTimeTruncatesConsistently(t *testing.T) {
	exact := t0.Add(7 * time.Second)
	fuzzy := exact.Add(999_999_999 * time.Nanosecond)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)

	a, err := Append(nil, exact, "Proposed", "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{fuzzy, exact.Add(time.Nanosecond), fuzzy.In(zone)} {
		b, err := Append(nil, at, "Proposed", "x")
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != a[0] {
			t.Errorf("Append at %v = %+v, want %+v", at, b[0], a[0])
		}
	}
	if got := a[0].Time; !got.Equal(exact) || got.Nanosecond() != 0 || got.Location() != time.UTC {
		t.Errorf("stored time = %v, want %v in UTC", got, exact)
	}

	// An entry whose time carries nanoseconds or another zone digests like
	// its truncated UTC self, so a chain built by hand still verifies.
	e := Entry{Seq: 1, Time: fuzzy.In(zone), Event: "Proposed", Detail: "x"}
	if Digest("", e) != a[0].Digest {
		t.Error("Digest depends on sub-second time or zone")
	}
	e.Digest = a[0].Digest
	if err := Verify([]Entry{e}); err != nil {
		t.Error(err)
	}
	// One second further is a different entry.
	e.Time = exact.Add(time.Second)
	if Digest("", e) == a[0].Digest {
		t.Error("Digest ignores whole seconds")
	}
}

// apiEntry is how the entry travels through the API server: metav1.Time
// serialises as RFC 3339 at second precision and deserialises in local time.
type apiEntry struct {
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
	Event  string `json:"event"`
	Detail string `json:"detail,omitempty"`
	Digest string `json:"digest"`
}

func toAPI(chain []Entry) []apiEntry {
	out := make([]apiEntry, len(chain))
	for i, e := range chain {
		out[i] = apiEntry{e.Seq, e.Time.UTC().Format(time.RFC3339), e.Event, e.Detail, e.Digest}
	}
	return out
}

func roundTrip(t testing.TB, chain []Entry) []Entry {
	t.Helper()
	raw, err := json.Marshal(toAPI(chain))
	if err != nil {
		t.Fatal(err)
	}
	var back []apiEntry
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	out := make([]Entry, len(back))
	for i, a := range back {
		tm, err := time.Parse(time.RFC3339, a.Time)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = Entry{a.Seq, tm.Local(), a.Event, a.Detail, a.Digest}
	}
	return out
}

func TestVerifiesAfterAPIRoundTrip(t *testing.T) {
	var chain []Entry
	for i, s := range exitSteps {
		var err error
		chain, err = Append(chain, t0.Add(s.at+time.Duration(i)*123456789), s.event, s.detail)
		if err != nil {
			t.Fatal(err)
		}
	}
	back := roundTrip(t, chain)
	if err := Verify(back); err != nil {
		t.Fatalf("Verify after round-trip: %v", err)
	}
	if _, err := Append(back, t0.Add(60*time.Hour), "Separated", ""); err != nil {
		t.Fatalf("Append after round-trip: %v", err)
	}
}

// golden holds the digests of build(exitSteps), computed with the shell
// one-liner of the package documentation (jq 1.6 and sha256sum), not with
// this package.
var golden = []string{
	"ae1acb4dbeaebee41a024be11b04dda61f16e6841828abad0e9a65b38f3e9efb",
	"324405a901767f48fd5c0662badba1dc10ff6bf8ab7e0051e64bd2a4ffb805c9",
	"50f8e16177ff3bd3b38aceedc0369b57fecc5919b0c4be8bc0862df9d71a89e2",
	"064c6d861d63dd89aeccbf56515731455d0939ce292be3f62953382cf3e6fa1a",
}

func TestDeterministic(t *testing.T) {
	a, b := build(t, exitSteps), build(t, exitSteps)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("entry %d differs between two identical builds:\n%+v\n%+v", i, a[i], b[i])
		}
		if a[i].Digest != golden[i] {
			t.Errorf("digest %d = %s, want %s", i+1, a[i].Digest, golden[i])
		}
	}
	// Same events, different detail: every digest from there on differs.
	other := append([]step(nil), exitSteps...)
	other[1].detail = "something else"
	c := build(t, other)
	if c[0].Digest != a[0].Digest {
		t.Error("digest of an unchanged first entry differs")
	}
	for i := 1; i < len(c); i++ {
		if c[i].Digest == a[i].Digest {
			t.Errorf("digest %d did not change after an earlier entry changed", i+1)
		}
	}
}

// TestCanonicalForm pins the canonical form, written out by hand from the
// package documentation.
func TestCanonicalForm(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
		want string
	}{
		{"plain", Entry{Seq: 1, Time: t0, Event: "Proposed", Detail: "leave"},
			`{"seq":1,"time":"2025-03-01T12:00:00Z","event":"Proposed","detail":"leave"}`},
		{"empty detail, digest ignored", Entry{Seq: 12, Time: t0, Event: "E", Digest: "abc"},
			`{"seq":12,"time":"2025-03-01T12:00:00Z","event":"E","detail":""}`},
		{"sub-second time in another zone", Entry{Seq: 2, Time: time.Date(2025, 3, 1, 13, 0, 0, 999, time.FixedZone("", 3600)), Event: "E"},
			`{"seq":2,"time":"2025-03-01T12:00:00Z","event":"E","detail":""}`},
		{"short escapes", Entry{Seq: 3, Time: t0, Event: `q"b\`, Detail: "\b\f\n\r\t"},
			`{"seq":3,"time":"2025-03-01T12:00:00Z","event":"q\"b\\","detail":"\b\f\n\r\t"}`},
		{"other controls and DEL", Entry{Seq: 4, Time: t0, Event: "E", Detail: "\x00\x01\x1b\x1f\x7f"},
			`{"seq":4,"time":"2025-03-01T12:00:00Z","event":"E","detail":"\u0000\u0001\u001b\u001f\u007f"}`},
		{"literal characters", Entry{Seq: 5, Time: t0, Event: "E", Detail: "/<>&' é ✓ 😀 \u2028\u2029 \u0080"},
			"{\"seq\":5,\"time\":\"2025-03-01T12:00:00Z\",\"event\":\"E\",\"detail\":\"/<>&' é ✓ 😀 \u2028\u2029 \u0080\"}"},
		{"invalid UTF-8 as U+FFFD", Entry{Seq: 6, Time: t0, Event: "E", Detail: "a\xffb"},
			`{"seq":6,"time":"2025-03-01T12:00:00Z","event":"E","detail":"a` + "\uFFFD" + `b"}`},
		{"negative seq", Entry{Seq: -7, Time: t0, Event: "E"},
			`{"seq":-7,"time":"2025-03-01T12:00:00Z","event":"E","detail":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Canonical(tt.e)); got != tt.want {
				t.Fatalf("Canonical =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// checkCanonical verifies, independently of Canonical's code, that c is the
// canonical form of e as the package documentation describes it: valid JSON
// holding exactly e's fields in order, with only the documented escapes.
func checkCanonical(t testing.TB, e Entry, c []byte) {
	t.Helper()
	var got struct {
		Seq    int64  `json:"seq"`
		Time   string `json:"time"`
		Event  string `json:"event"`
		Detail string `json:"detail"`
	}
	dec := json.NewDecoder(strings.NewReader(string(c)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("canonical form %q is not the documented JSON: %v", c, err)
	}
	wantTime := time.Unix(e.Time.Unix(), 0).UTC().Format(time.RFC3339)
	if got.Seq != e.Seq || got.Time != wantTime || got.Event != e.Event || got.Detail != e.Detail {
		t.Fatalf("canonical form %q does not hold %+v", c, e)
	}
	prefix := `{"seq":` + jsonNumber(e.Seq) + `,"time":"` + wantTime + `","event":"`
	if !strings.HasPrefix(string(c), prefix) || !strings.HasSuffix(string(c), `"}`) ||
		!strings.Contains(string(c), `","detail":"`) {
		t.Fatalf("canonical form %q: wrong layout", c)
	}
	s := string(c)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x20 || ch == 0x7f {
			t.Fatalf("canonical form %q: unescaped control byte %#x", c, ch)
		}
		if ch != '\\' {
			continue
		}
		i++
		switch s[i] {
		case '"', '\\', 'b', 'f', 'n', 'r', 't':
		case 'u':
			hex := s[i+1 : i+5]
			if hex != strings.ToLower(hex) || !strings.HasPrefix(hex, "00") {
				t.Fatalf("canonical form %q: escape \\u%s", c, hex)
			}
			if v := hex[2:]; v != "7f" && v >= "20" || v == "08" || v == "0c" || v == "0a" || v == "0d" || v == "09" {
				t.Fatalf("canonical form %q: \\u%s should be literal or a short escape", c, hex)
			}
			i += 4
		default:
			t.Fatalf("canonical form %q: escape \\%c", c, s[i])
		}
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestCanonicalMatchesDocumentation(t *testing.T) {
	for _, e := range build(t, exitSteps) {
		checkCanonical(t, e, Canonical(e))
	}
}

// docOneLiner returns the verification one-liner from the package
// documentation, so that the test runs exactly what users are told to run.
func docOneLiner(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "audit.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		if strings.HasPrefix(line, "\tdiff <(") {
			found = append(found, strings.TrimPrefix(line, "\t"))
		}
	}
	if len(found) != 1 {
		t.Fatalf("found %d one-liners in the package documentation, want 1", len(found))
	}
	return found[0]
}

func TestDocumentedOneLiner(t *testing.T) {
	line := docOneLiner(t)
	for _, tool := range []string{"bash", "jq", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	run := func(chain []Entry) (string, error) {
		dir := t.TempDir()
		obj := map[string]any{
			"apiVersion": "unions.kos.dev/v1alpha1",
			"kind":       "ExitTreaty",
			"status":     map[string]any{"audit": toAPI(chain)},
		}
		raw, err := json.Marshal(obj) // Go escapes <, > and & here; jq must not
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "treaty.json"), raw, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-c", line)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	tricky := append([]step(nil), exitSteps...)
	tricky = append(tricky,
		step{51 * time.Hour, "Note", "  leading spaces, 100% %s %d, trailing backslash \\"},
		step{52 * time.Hour, "Note", "nul \x00 bell \x07 esc \x1b cr \r"},
		step{53 * time.Hour, "Note", ""},
	)
	chain := build(t, tricky)
	out, err := run(chain)
	if err != nil || out != "intact\n" {
		t.Fatalf("one-liner on an intact chain: %v\n%s", err, out)
	}
	if out, err := run(nil); err != nil || out != "intact\n" {
		t.Fatalf("one-liner on an empty chain: %v\n%s", err, out)
	}
	tampered := mutate(chain, func(c []Entry) []Entry { c[4].Detail += "."; return c })
	if out, err := run(tampered); err == nil || strings.Contains(out, "intact") {
		t.Fatalf("one-liner accepted a tampered chain:\n%s", out)
	}
}

// decodeSteps turns fuzz bytes into events: per event a byte of time step,
// then an event and a detail, each a length byte followed by that many bytes.
func decodeSteps(data []byte) []step {
	var steps []step
	next := func(n int) []byte {
		n = min(n, len(data))
		b := data[:n]
		data = data[n:]
		return b
	}
	at := time.Duration(0)
	for len(data) > 0 && len(steps) < 12 {
		at += time.Duration(next(1)[0]) * 997 * time.Millisecond
		ev := next(1)
		event := next(int(firstOr(ev, 8)%24) + 1)
		dl := next(1)
		detail := next(int(firstOr(dl, 0) % 48))
		steps = append(steps, step{at, string(event), string(detail)})
	}
	return steps
}

func firstOr(b []byte, d byte) byte {
	if len(b) == 0 {
		return d
	}
	return b[0]
}

// flips yields every way to change one byte of one field of entry i by
// XOR-ing it with mask.
func flips(e Entry, mask byte) []Entry {
	var out []Entry
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(e.Seq))
	for j := range buf {
		c, b := e, buf
		b[j] ^= mask
		c.Seq = int64(binary.LittleEndian.Uint64(b[:]))
		out = append(out, c)
	}
	binary.LittleEndian.PutUint64(buf[:], uint64(e.Time.Unix()))
	for j := range buf {
		c, b := e, buf
		b[j] ^= mask
		c.Time = time.Unix(int64(binary.LittleEndian.Uint64(b[:])), int64(e.Time.Nanosecond()))
		out = append(out, c)
	}
	flipString := func(s string, set func(*Entry, string)) {
		for j := range len(s) {
			c, b := e, []byte(s)
			b[j] ^= mask
			set(&c, string(b))
			out = append(out, c)
		}
	}
	flipString(e.Event, func(c *Entry, s string) { c.Event = s })
	flipString(e.Detail, func(c *Entry, s string) { c.Detail = s })
	flipString(e.Digest, func(c *Entry, s string) { c.Digest = s })
	return out
}

func FuzzAppendVerify(f *testing.F) {
	f.Add([]byte{}, byte(1))
	f.Add([]byte("\x00\x08Proposed\x05leave\x10\x09Mediation\x00"), byte(0x80))
	f.Add([]byte("\x01\x03A\"\\\x04\n\t\x7f\x00\x02\x02é\x03\xe2\x80\xa8"), byte(0xff))
	f.Add([]byte("\x00\x02\xff\xfe\x01x"), byte(0x20))
	f.Fuzz(func(t *testing.T, data []byte, mask byte) {
		if mask == 0 {
			mask = 1
		}
		var chain []Entry
		for _, s := range decodeSteps(data) {
			next, err := Append(chain, t0.Add(s.at), s.event, s.detail)
			if err != nil {
				if !errors.Is(err, ErrInvalidEntry) || utf8.ValidString(s.event) && utf8.ValidString(s.detail) && s.event != "" {
					t.Fatalf("Append(%q, %q): %v", s.event, s.detail, err)
				}
				continue
			}
			chain = next
			checkCanonical(t, chain[len(chain)-1], Canonical(chain[len(chain)-1]))
		}
		if err := Verify(chain); err != nil {
			t.Fatalf("Verify of an appended chain: %v", err)
		}
		if err := Verify(roundTrip(t, chain)); err != nil {
			t.Fatalf("Verify after an API round-trip: %v", err)
		}
		for i, e := range chain {
			for _, changed := range flips(e, mask) {
				c := append([]Entry(nil), chain...)
				c[i] = changed
				var be *BrokenError
				if err := Verify(c); !errors.As(err, &be) || be.Seq != changed.Seq {
					t.Fatalf("entry %d changed from %+v to %+v: Verify = %v, want it broken there", i, e, changed, err)
				}
			}
		}
	})
}

func TestAppendAll(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	one, err := Append(nil, t0, "Opened", "by team-a")
	if err != nil {
		t.Fatal(err)
	}
	all, err := AppendAll(one, t0.Add(time.Minute), []Event{{"Vote", "team-a For Direct"}, {"Decided", "Passed"}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Append(one, t0.Add(time.Minute), "Vote", "team-a For Direct")
	want, _ = Append(want, t0.Add(time.Minute), "Decided", "Passed")
	if len(all) != 3 || Head(all) != Head(want) || Verify(all) != nil {
		t.Fatalf("AppendAll gave %+v, want %+v", all, want)
	}
	if _, err := AppendAll(one, t0, []Event{{"", "no event"}}); !errors.Is(err, ErrInvalidEntry) {
		t.Errorf("an empty event was appended: %v", err)
	}
	broken := append([]Entry(nil), all...)
	broken[1].Detail = "team-a Against Direct"
	if _, err := AppendAll(broken, t0, []Event{{"Vote", "x"}}); err == nil {
		t.Error("a broken chain was extended")
	}
}
