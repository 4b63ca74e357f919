package authentatest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// HostKind tells which of the server's two hosts a request went to.
type HostKind string

const (
	HostAPI     HostKind = "api"
	HostStorage HostKind = "storage"
)

// Request is one request as the server saw it. The Authorization header is
// never kept: HadAuth and AuthValid say what it was.
type Request struct {
	Seq    int // 1 for the server's first request
	Time   time.Time
	Host   HostKind
	Method string
	Path   string // without the query
	Query  url.Values
	Route  Route  // "" when the request matched no route
	JobID  string // the job the path names, if any

	Header    http.Header // the request headers, without Authorization
	HadAuth   bool        // an Authorization header was present
	AuthValid bool        // it was "Bearer <a key the server knows>"

	ContentLength    int64    // as declared (-1: unknown)
	TransferEncoding []string // e.g. ["chunked"]
	BodyBytes        int64    // body bytes the server read
	// Body is the start of the body of an API request (at most 64 KiB);
	// storage bodies are never kept here.
	Body []byte

	// Status is the answer's status: 0 when the connection was dropped
	// before an answer, the handler's answer with DropResponse.
	Status   int
	Fault    bool          // an injected fault decided the answer
	Dropped  bool          // the connection was closed instead of answered
	Duration time.Duration // from the request's arrival to its answer
}

// Requests returns a copy of every request recorded so far, in arrival
// order.
func (s *Server) Requests() []Request {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return slices.Clone(s.reqs)
}

// RequestsTo returns the recorded requests to a route (RouteAll: all).
func (s *Server) RequestsTo(route Route) []Request {
	r := mustRoute(route)
	s.recMu.Lock()
	defer s.recMu.Unlock()
	var out []Request
	for _, q := range s.reqs {
		if r == RouteAll || q.Route == r {
			out = append(out, q)
		}
	}
	return out
}

// Count returns how many requests to a route have been recorded
// (RouteAll: all of them).
func (s *Server) Count(route Route) int {
	r := mustRoute(route)
	s.recMu.Lock()
	defer s.recMu.Unlock()
	if r == RouteAll {
		return len(s.reqs)
	}
	n := 0
	for i := range s.reqs {
		if s.reqs[i].Route == r {
			n++
		}
	}
	return n
}

// CountJob returns how many requests to a route named the job id.
func (s *Server) CountJob(route Route, id string) int {
	r := mustRoute(route)
	s.recMu.Lock()
	defer s.recMu.Unlock()
	n := 0
	for i := range s.reqs {
		if (r == RouteAll || s.reqs[i].Route == r) && s.reqs[i].JobID == id {
			n++
		}
	}
	return n
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.recMu.Lock()
	s.reqs = nil
	s.recMu.Unlock()
}

func (s *Server) record(q *Request) {
	s.recMu.Lock()
	s.seq++
	q.Seq = s.seq
	s.reqs = append(s.reqs, *q)
	s.recMu.Unlock()
}

// maxRecordedBody bounds Request.Body.
const maxRecordedBody = 64 << 10

// countingBody counts what the handlers read of a request body, and keeps
// the start of it when keep is set.
type countingBody struct {
	rc   io.ReadCloser
	n    int64
	keep bool
	buf  bytes.Buffer
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if b.keep && n > 0 && b.buf.Len() < maxRecordedBody {
		b.buf.Write(p[:min(n, maxRecordedBody-b.buf.Len())])
	}
	return n, err
}

func (b *countingBody) Close() error { return b.rc.Close() }

// statusWriter remembers the status a handler answered with, and commits
// the request's record before the answer leaves, so that a client that has
// its answer always finds its request recorded.
type statusWriter struct {
	http.ResponseWriter
	status  int
	dropped bool
	commit  func() // records the request, once
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.commit()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (Hijack, Flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
