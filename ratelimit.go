package authenta

import (
	"context"
	"fmt"
	"math"
	"net/http"

	"golang.org/x/time/rate"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// rateSettings is what WithRateLimit sets.
type rateSettings struct {
	perSecond float64
	burst     int
}

// WithRateLimit limits the client's API requests to perSecond on average,
// with bursts of up to burst, across every goroutine that uses the Client.
// It counts each HTTP attempt, retries included (what the server sees), not
// each call: a call retried three times takes four tokens. Presigned
// storage uploads and downloads are not limited. A request waits for its
// turn while its context allows: a context that ends first ends the call
// with the context's error, and a wait that could not end before the
// context's deadline fails at once. perSecond must be positive and finite,
// burst at least 1.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *settings) error {
		if perSecond <= 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) {
			return fmt.Errorf("%w: rate limit %v per second: need a positive finite rate", ErrInvalidArgument, perSecond)
		}
		if burst < 1 {
			return fmt.Errorf("%w: rate limit burst %d: need at least 1", ErrInvalidArgument, burst)
		}
		s.rate = &rateSettings{perSecond: perSecond, burst: burst}
		return nil
	}
}

// rateTransport waits for the limiter before each attempt.
type rateTransport struct {
	lim  *rate.Limiter
	next http.RoundTripper
}

// withRateLimit returns rt behind a limiter, or rt when rs is nil.
func withRateLimit(rt http.RoundTripper, rs *rateSettings) http.RoundTripper {
	if rs == nil {
		return rt
	}
	return &rateTransport{lim: rate.NewLimiter(rate.Limit(rs.perSecond), rs.burst), next: rt}
}

func (t *rateTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.lim.Wait(r.Context()); err != nil {
		if r.Body != nil {
			_ = r.Body.Close() // a RoundTripper closes the body, even on error
		}
		if cerr := r.Context().Err(); cerr != nil {
			return nil, cerr
		}
		// The wait would outlast the deadline: fail now, as the deadline
		// would, and do not retry.
		return nil, &retry.Permanent{Err: fmt.Errorf("authenta: rate limit: no turn before the deadline: %w", context.DeadlineExceeded)}
	}
	return t.next.RoundTrip(r)
}
