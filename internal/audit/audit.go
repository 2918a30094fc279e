// Package audit keeps the tamper-evident audit trail of an ExitTreaty: an
// append-only list of entries in which every entry carries the SHA-256 digest
// of the previous entry's digest followed by its own canonical form, so that
// changing, removing, inserting or reordering any entry breaks every digest
// from that point on. Anyone can verify a chain from the object alone.
//
// # Canonical form
//
// The canonical form of an [Entry] covers every field except Digest. It is
// one line of compact JSON with the keys in exactly this order and no
// whitespace outside strings:
//
//	{"seq":<seq>,"time":"<time>","event":"<event>","detail":"<detail>"}
//
// where
//
//   - <seq> is Seq in decimal, without leading zeros.
//   - <time> is Time in UTC, truncated to the whole second, in the layout
//     2006-01-02T15:04:05Z (RFC 3339), exactly as a Kubernetes metav1.Time
//     serialises it; a chain therefore verifies after a round-trip through
//     the API server, which drops sub-second precision.
//   - <event> and <detail> are the UTF-8 text of Event and Detail with these
//     escapes and no others: '"' as \", '\' as \\, U+0008 as \b, U+000C as
//     \f, U+000A as \n, U+000D as \r, U+0009 as \t, every other character
//     in U+0000–U+001F and U+007F as \u00xx (four lower-case hex digits).
//     All other characters, '/', '<', '>', '&', U+2028 and U+2029 included,
//     are written as themselves. This is exactly how `jq -c` prints a string.
//
// The digest of an entry is the lower-case hex SHA-256 of the previous
// entry's digest (its 64 hex characters as ASCII; nothing for the first
// entry) immediately followed by the entry's canonical form:
//
//	digest(n) = hex(sha256(digest(n-1) + canonical(entry n))), digest(0) = ""
//
// # Verifying a chain by hand
//
// With bash, jq and sha256sum, save the object and compare the digests it
// carries with the ones recomputed from its entries (an omitted detail is
// empty); the one-liner prints "intact" when they agree, and the lines that
// differ otherwise:
//
//	kubectl get exittreaty leave-blue -n team-a -o json > treaty.json
//	diff <(jq -r '.status.audit[]?.digest' treaty.json) <(p=; jq -c '.status.audit[]?|{seq,time,event,detail:(.detail//"")}' treaty.json | while IFS= read -r c; do p=$(printf %s "$p$c" | sha256sum | cut -c1-64); echo "$p"; done) && echo intact
//
// [Verify] checks the same and, in addition, that seq runs 1, 2, … n without
// gaps and that every entry is well formed (a non-empty event, valid UTF-8
// text, a non-zero time no later than year 9999). Like any hash chain
// verified from itself, it cannot notice entries cut off the end: the final
// digest, [Head], is what an exit records elsewhere (the union's
// formerMembers) to pin the whole chain.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	unionsv1 "github.com/kos-dev/union-operator/api/v1alpha1"
)

// Entry is one record of an audit chain.
type Entry struct {
	// Seq numbers the entries 1, 2, … n.
	Seq int64
	// Time is when the event happened; only whole seconds are covered by
	// the digest.
	Time time.Time
	// Event names what happened, e.g. a phase such as Proposed.
	Event string
	// Detail is free text about the event.
	Detail string
	// Digest is the lower-case hex SHA-256 chaining this entry to the
	// previous one (see the package documentation).
	Digest string
}

// TimeLayout is the layout of an entry's time in its canonical form.
const TimeLayout = "2006-01-02T15:04:05Z"

// maxTime is the latest time that the canonical layout can express.
var maxTime = time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC)

// ErrInvalidEntry is wrapped by the error [Append] returns for an event it
// refuses to record.
var ErrInvalidEntry = errors.New("invalid audit entry")

// BrokenError reports the first entry at which a chain fails to verify.
type BrokenError struct {
	// Seq is the Seq of the offending entry as found in the chain.
	Seq int64
	// Reason says what is wrong, e.g. "digest mismatch".
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit chain broken at seq %d: %s", e.Seq, e.Reason)
}

// Canonical returns the canonical form of e (every field but Digest), as
// described in the package documentation. Invalid UTF-8 bytes, which a valid
// entry never holds, are written as U+FFFD.
func Canonical(e Entry) []byte {
	b := make([]byte, 0, 64+len(e.Event)+len(e.Detail))
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"time":"`...)
	b = e.Time.UTC().Truncate(time.Second).AppendFormat(b, TimeLayout)
	b = append(b, `","event":`...)
	b = appendString(b, e.Event)
	b = append(b, `,"detail":`...)
	b = appendString(b, e.Detail)
	return append(b, '}')
}

// appendString appends s as a JSON string, escaped as `jq -c` does.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s { // invalid bytes arrive as utf8.RuneError
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || r == 0x7f:
			b = append(b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// Digest returns hex(sha256(previous + canonical(e))). The first entry of a
// chain has previous "".
func Digest(previous string, e Entry) string {
	h := sha256.New()
	h.Write([]byte(previous))
	h.Write(Canonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

// Head returns the final digest of chain, or "" for an empty chain.
func Head(chain []Entry) string {
	if len(chain) == 0 {
		return ""
	}
	return chain[len(chain)-1].Digest
}

// Verify returns nil when seq runs 1..n without gaps and every entry is well
// formed and carries the digest it should. Otherwise it returns a
// *[BrokenError] for the first entry that fails, checked in this order:
// sequence, empty digest, malformed entry, digest mismatch.
func Verify(chain []Entry) error {
	previous := ""
	for i, e := range chain {
		if want := int64(i) + 1; e.Seq != want {
			return &BrokenError{Seq: e.Seq, Reason: fmt.Sprintf("sequence gap: expected seq %d", want)}
		}
		if e.Digest == "" {
			return &BrokenError{Seq: e.Seq, Reason: "empty digest"}
		}
		if why := malformed(e); why != "" {
			return &BrokenError{Seq: e.Seq, Reason: "malformed entry: " + why}
		}
		if d := Digest(previous, e); e.Digest != d {
			return &BrokenError{Seq: e.Seq, Reason: "digest mismatch"}
		}
		previous = e.Digest
	}
	return nil
}

// Append verifies chain and returns a new chain with one more entry: seq one
// past the last (1 for the first), the time truncated to whole seconds in
// UTC, and its digest. The input's backing array is never written to.
//
// It returns a *[BrokenError] when chain does not verify, and an error
// wrapping [ErrInvalidEntry] when the event is empty, event or detail is not
// valid UTF-8, or t (truncated to the second) is the zero time or later than
// year 9999.
func Append(chain []Entry, t time.Time, event, detail string) ([]Entry, error) {
	if err := Verify(chain); err != nil {
		return nil, err
	}
	e := Entry{
		Seq:    int64(len(chain)) + 1,
		Time:   t.UTC().Truncate(time.Second),
		Event:  event,
		Detail: detail,
	}
	if why := malformed(e); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrInvalidEntry, why)
	}
	e.Digest = Digest(Head(chain), e)
	return append(slices.Clip(chain), e), nil
}

// Event is an event to record: what happened, and its detail.
type Event struct {
	Event  string
	Detail string
}

// AppendAll appends events to a chain that verifies, all timed t, and
// returns the longer chain; the chain is verified once, however many
// events are appended.
func AppendAll(chain []Entry, t time.Time, events []Event) ([]Entry, error) {
	if err := Verify(chain); err != nil {
		return nil, err
	}
	out := slices.Clip(chain)
	head := Head(chain)
	for _, ev := range events {
		e := Entry{Seq: int64(len(out)) + 1, Time: t.UTC().Truncate(time.Second), Event: ev.Event, Detail: ev.Detail}
		if why := malformed(e); why != "" {
			return nil, fmt.Errorf("%w: %s", ErrInvalidEntry, why)
		}
		e.Digest = Digest(head, e)
		head = e.Digest
		out = append(out, e)
	}
	return out, nil
}

// malformed says why e cannot be part of a valid chain, or "" when it can.
func malformed(e Entry) string {
	t := e.Time.UTC().Truncate(time.Second)
	switch {
	case e.Event == "":
		return "event must not be empty"
	case !utf8.ValidString(e.Event):
		return "event is not valid UTF-8"
	case !utf8.ValidString(e.Detail):
		return "detail is not valid UTF-8"
	case t.IsZero():
		return "time must not be zero"
	case t.Before(time.Time{}) || t.After(maxTime):
		return "time must lie between years 0001 and 9999"
	}
	return ""
}

// FromStatus reads a chain as the API stores it (an ExitTreaty's
// status.audit, a Proposal's status.record).
func FromStatus(entries []unionsv1.AuditEntry) []Entry {
	chain := make([]Entry, len(entries))
	for i, e := range entries {
		chain[i] = Entry{Seq: e.Seq, Time: e.Time.Time, Event: e.Event, Detail: e.Detail, Digest: e.Digest}
	}
	return chain
}

// ToStatus writes a chain as the API stores it.
func ToStatus(chain []Entry) []unionsv1.AuditEntry {
	if len(chain) == 0 {
		return nil
	}
	entries := make([]unionsv1.AuditEntry, len(chain))
	for i, e := range chain {
		entries[i] = unionsv1.AuditEntry{Seq: e.Seq, Time: metav1.NewTime(e.Time), Event: e.Event, Detail: e.Detail, Digest: e.Digest}
	}
	return entries
}
