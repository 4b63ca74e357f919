package authenta

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Option configures a Client. Options validate their input: NewClient
// returns the first option's error.
type Option func(*settings) error

// settings is what the options build; NewClient turns it into a Client.
type settings struct {
	apiKey         string
	baseURL        string
	httpClient     *http.Client
	maxRetries     int
	retryWaitMin   time.Duration
	retryWaitMax   time.Duration
	userAgent      string
	logger         *slog.Logger
	headerTimeout  time.Duration
	readIdle       time.Duration // 0: unbounded
	uploadRetries  int
	noEnvironment  bool
	facesPath      string // the face-indexing prefix (WithFacesPath)
	keySet, urlSet bool

	middleware []Middleware  // WithMiddleware, outermost first
	wait       WaitOptions   // WithWaitOptions: the default of every wait
	rate       *rateSettings // WithRateLimit; nil: no limit
}

func defaultSettings() settings {
	return settings{
		maxRetries:    3,
		retryWaitMin:  500 * time.Millisecond,
		retryWaitMax:  8 * time.Second,
		headerTimeout: 2 * time.Minute,
		readIdle:      defaultReadIdle,
		uploadRetries: -1, // same as maxRetries
		facesPath:     DefaultFacesPath,
	}
}

// WithAPIKey sets the API key sent as "Authorization: Bearer <key>" to the
// API's origin, and nowhere else. Without it, $AUTHENTA_API_KEY is used. A
// blank key is an error wrapping ErrMissingAPIKey; a key with whitespace or
// control characters is an error wrapping ErrInvalidArgument.
func WithAPIKey(key string) Option {
	return func(s *settings) error {
		if err := checkAPIKey(key); err != nil {
			return err
		}
		s.apiKey, s.keySet = key, true
		return nil
	}
}

func checkAPIKey(key string) error {
	if strings.TrimSpace(key) == "" {
		return fmt.Errorf("%w: set WithAPIKey or $%s", ErrMissingAPIKey, EnvAPIKey)
	}
	for _, r := range key {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			// Never echo the key, not even part of it.
			return fmt.Errorf("%w: the API key contains whitespace or control characters", ErrInvalidArgument)
		}
	}
	return nil
}

// WithBaseURL sets the platform's base URL (DefaultBaseURL by default, or
// $AUTHENTA_BASE_URL). It must be an absolute http or https URL with a host
// and no query, fragment or user info; a path prefix is kept.
func WithBaseURL(rawURL string) Option {
	return func(s *settings) error {
		if _, err := parseBaseURL(rawURL); err != nil {
			return err
		}
		s.baseURL, s.urlSet = rawURL, true
		return nil
	}
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: base URL: %v", ErrInvalidArgument, errors.Unwrap(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%w: base URL must be absolute http(s), got scheme %q", ErrInvalidArgument, u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%w: base URL has no host", ErrInvalidArgument)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return nil, fmt.Errorf("%w: base URL must not carry user info, a query or a fragment", ErrInvalidArgument)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// WithHTTPClient sets the base HTTP client. Its Transport carries every
// request, API calls (with the SDK's auth and retries layered over it) and
// presigned storage uploads and downloads (retries only) alike; its
// Timeout, if any, limits each attempt, uploads included, so prefer context
// deadlines. Its CheckRedirect and Jar are kept. Without it the SDK uses a
// clone of http.DefaultTransport with a response-header timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return fmt.Errorf("%w: nil *http.Client", ErrInvalidArgument)
		}
		s.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried after the
// first attempt (default 3; 0 disables retries).
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("%w: negative retry count %d", ErrInvalidArgument, n)
		}
		s.maxRetries = n
		return nil
	}
}

// WithUploadRetries sets the retry count for presigned uploads separately
// (each retry sends the whole file again). By default it is the same as
// WithMaxRetries.
func WithUploadRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("%w: negative upload retry count %d", ErrInvalidArgument, n)
		}
		s.uploadRetries = n
		return nil
	}
}

// WithRetryWait sets the bounds of the wait between retries (defaults 500ms
// and 8s). Waits grow exponentially from min to max with jitter. The max is
// also the longest Retry-After the SDK honours: a server that asks for more
// gets its error returned at once, with APIError.RetryAfter set.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(s *settings) error {
		if minWait <= 0 || maxWait <= 0 || minWait > maxWait {
			return fmt.Errorf("%w: retry wait needs 0 < min <= max, got %v and %v", ErrInvalidArgument, minWait, maxWait)
		}
		s.retryWaitMin, s.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithUserAgent prepends a product token, such as "trustd/1.4", to the
// SDK's own "authenta-go/<Version>".
func WithUserAgent(product string) Option {
	return func(s *settings) error {
		product = strings.TrimSpace(product)
		for _, r := range product {
			if r < 0x20 || r == 0x7f {
				return fmt.Errorf("%w: user agent contains control characters", ErrInvalidArgument)
			}
		}
		s.userAgent = product
		return nil
	}
}

// WithLogger sets a logger for one Debug record per HTTP attempt: method,
// URL without its query, status, duration, attempt and request id. The API
// key and presigned query strings are never logged. Without it the SDK logs
// nothing.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithResponseHeaderTimeout sets how long the default transport waits for
// a response's headers once the request is written (default 2 minutes). It
// has no effect with WithHTTPClient, whose transport is used as it is.
func WithResponseHeaderTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("%w: non-positive response header timeout %v", ErrInvalidArgument, d)
		}
		s.headerTimeout = d
		return nil
	}
}

// WithoutEnvironment stops NewClient from reading $AUTHENTA_API_KEY and
// $AUTHENTA_BASE_URL.
func WithoutEnvironment() Option {
	return func(s *settings) error {
		s.noEnvironment = true
		return nil
	}
}
