package authenta

import (
	"net/http"
	"net/url"
	"strings"
)

// origin is a URL's scheme, host and port, with the scheme's default port
// filled in: the unit of trust for the Authorization header.
type origin struct{ scheme, host, port string }

func originOf(u *url.URL) origin {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return origin{scheme, strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), port}
}

// bearerTransport adds "Authorization: Bearer <key>" to requests for the
// API's exact origin (scheme, host and port) and to no others: presigned
// storage URLs and redirects to any other origin go out without it. Go's
// own redirect rules ignore the port, so they are not enough on their own.
type bearerTransport struct {
	base   http.RoundTripper
	header secret // "Bearer <key>"
	origin origin
	// rawHost and scheme are the fast path: the request URLs the SDK builds
	// itself match them byte for byte.
	rawHost, scheme string
}

func newBearerTransport(base http.RoundTripper, key string, api *url.URL) *bearerTransport {
	return &bearerTransport{
		base:    base,
		header:  secret("Bearer " + key),
		origin:  originOf(api),
		rawHost: api.Host,
		scheme:  api.Scheme,
	}
}

func (t *bearerTransport) isAPI(u *url.URL) bool {
	if u.Host == t.rawHost && u.Scheme == t.scheme {
		return true
	}
	return originOf(u) == t.origin
}

// authorized reports whether h carries exactly the key's Authorization.
func (t *bearerTransport) authorized(h http.Header) bool {
	v := h["Authorization"]
	return len(v) == 1 && v[0] == string(t.header)
}

// RoundTrip implements http.RoundTripper. It never changes the caller's
// request: when the header must change, it sends a copy with its own
// header map.
func (t *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	switch {
	case t.isAPI(r.URL):
		if !t.authorized(r.Header) {
			r = withHeader(r, func(h http.Header) { h.Set("Authorization", string(t.header)) })
		}
	case r.Header.Get("Authorization") != "":
		r = withHeader(r, func(h http.Header) { h.Del("Authorization") })
	}
	return t.base.RoundTrip(r)
}

func withHeader(r *http.Request, edit func(http.Header)) *http.Request {
	r2 := *r
	r2.Header = r.Header.Clone()
	if r2.Header == nil {
		r2.Header = make(http.Header, 1)
	}
	edit(r2.Header)
	return &r2
}
