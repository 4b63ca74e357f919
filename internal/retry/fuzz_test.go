package retry_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phospheneai/authenta-go/internal/retry"
)

const maxDuration = time.Duration(1<<63 - 1)

// FuzzParseRetryAfter: ParseRetryAfter never panics and never returns a
// negative delay (nor a delay with false); a whole number of seconds
// round-trips, saturating at the largest Duration; an HTTP-date secs after
// now gives secs. Its seed corpus is in testdata/fuzz/FuzzParseRetryAfter.
func FuzzParseRetryAfter(f *testing.F) {
	f.Add("120", int64(120), int64(1795780800))
	f.Fuzz(func(t *testing.T, v string, secs int64, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<40), 0).UTC() // years 0..36812: keep dates formattable
		d, ok := retry.ParseRetryAfter(v, now)
		if d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v < 0", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, false: a delay without ok", v, d)
		}
		if k := strings.TrimSpace(v); ok && k != "" && k[0] >= '0' && k[0] <= '9' {
			if n, err := strconv.ParseInt(k, 10, 64); err == nil && n <= int64(maxDuration/time.Second) && d != time.Duration(n)*time.Second {
				t.Fatalf("ParseRetryAfter(%q) = %v, want %ds", v, d, n)
			}
		}

		if secs < 0 {
			secs = -(secs + 1)
		}
		want := maxDuration
		if secs <= int64(maxDuration/time.Second) {
			want = time.Duration(secs) * time.Second
		}
		for _, s := range []string{strconv.FormatInt(secs, 10), " " + strconv.FormatInt(secs, 10) + "\t"} {
			if got, ok := retry.ParseRetryAfter(s, now); !ok || got != want {
				t.Fatalf("ParseRetryAfter(%q) = %v, %v; want %v, true", s, got, ok, want)
			}
		}

		// An HTTP-date secs from now (within a century, so it formats).
		secs %= 100 * 365 * 24 * 3600
		date := now.Add(time.Duration(secs) * time.Second)
		if date.Year() < 10000 && date.Year() >= 1 {
			s := date.Format(http.TimeFormat)
			if got, ok := retry.ParseRetryAfter(s, now); !ok || got != time.Duration(secs)*time.Second {
				t.Fatalf("ParseRetryAfter(%q) at %v = %v, %v; want %ds", s, now, got, ok, secs)
			}
			past := now.Add(-time.Duration(secs) * time.Second)
			if past.Year() >= 1 {
				if got, ok := retry.ParseRetryAfter(past.Format(http.TimeFormat), now); !ok || got != 0 {
					t.Fatalf("ParseRetryAfter(%q) at %v = %v, %v; want 0, true", past.Format(http.TimeFormat), now, got, ok)
				}
			}
		}
	})
}
