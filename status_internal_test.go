package authenta

import (
	"testing"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// FuzzStatusText: statusText reads every status as lenient.String does
// (it only saves the allocation of a documented spelling).
func FuzzStatusText(f *testing.F) {
	for _, s := range []string{`"completed"`, `"waiting_for_finalize"`, `"queued"`, `"Completed"`, `"completed "`,
		`"complet\u0065d"`, `"\"completed\""`, `completed`, `"`, `""`, `null`, `7`, ` "queued" `, `"processing`, `["queued"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := statusText(rawRef(b)), lenient.String(b); got != want {
			t.Fatalf("%q: statusText %q, lenient.String %q", b, got, want)
		}
	})
}
