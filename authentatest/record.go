package authentatest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
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

// DefaultRecordLimit is how many requests a Server keeps by default (see
// WithRecordLimit).
const DefaultRecordLimit = 10000

// WithRecordLimit bounds the request record to the last n requests (default
// DefaultRecordLimit), so that a long test's memory does not grow with its
// request count: older records are dropped, and Dropped counts them.
// Count and CountJob count every request, dropped or kept. n must be at
// least 1.
func WithRecordLimit(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("authentatest: record limit %d: need at least 1", n)
		}
		c.recordLimit = n
		return nil
	}
}

// recorder keeps the last requests in a ring, and counts every request by
// route and by route and job.
type recorder struct {
	limit   int
	ring    []Request // len <= limit; once full, head is the oldest
	head    int
	dropped int
	counts  map[Route]int
	jobs    map[routeJob]int
}

type routeJob struct {
	route Route
	id    string
}

// newRecorder keeps the last limit requests (0: DefaultRecordLimit).
func newRecorder(limit int) recorder {
	if limit <= 0 {
		limit = DefaultRecordLimit
	}
	return recorder{limit: limit, counts: make(map[Route]int), jobs: make(map[routeJob]int)}
}

func (r *recorder) add(q Request) {
	r.counts[q.Route]++
	if q.JobID != "" {
		r.jobs[routeJob{q.Route, q.JobID}]++
	}
	if len(r.ring) < r.limit {
		r.ring = append(r.ring, q)
		return
	}
	r.ring[r.head] = q
	r.head = (r.head + 1) % len(r.ring)
	r.dropped++
}

// all calls f on the kept records, oldest first.
func (r *recorder) all(f func(*Request)) {
	for i := range r.ring {
		f(&r.ring[(r.head+i)%len(r.ring)])
	}
}

// Requests returns a copy of the requests recorded so far (the last
// WithRecordLimit of them), in arrival order.
func (s *Server) Requests() []Request {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	out := make([]Request, 0, len(s.rec.ring))
	s.rec.all(func(q *Request) { out = append(out, *q) })
	return out
}

// RequestsTo returns the recorded requests to a route (RouteAll: all).
func (s *Server) RequestsTo(route Route) []Request {
	r := mustRoute(route)
	s.recMu.Lock()
	defer s.recMu.Unlock()
	var out []Request
	s.rec.all(func(q *Request) {
		if r == RouteAll || q.Route == r {
			out = append(out, *q)
		}
	})
	return out
}

// Count returns how many requests to a route the server has seen since it
// started or since ResetRequests (RouteAll: all of them), including those
// whose records were dropped (see WithRecordLimit).
func (s *Server) Count(route Route) int {
	r := mustRoute(route)
	s.recMu.Lock()
	defer s.recMu.Unlock()
	if r != RouteAll {
		return s.rec.counts[r]
	}
	n := 0
	for _, c := range s.rec.counts {
		n += c
	}
	return n
}

// CountJob returns how many requests to a route named the job id
// (RouteAll: to any route), including dropped records.
func (s *Server) CountJob(route Route, id string) int {
	r := mustRoute(route)
	s.recMu.Lock()
	defer s.recMu.Unlock()
	if r != RouteAll {
		return s.rec.jobs[routeJob{r, id}]
	}
	n := 0
	for k, c := range s.rec.jobs {
		if k.id == id {
			n += c
		}
	}
	return n
}

// Dropped returns how many records the bound dropped (see
// WithRecordLimit) since the server started or since ResetRequests.
func (s *Server) Dropped() int {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return s.rec.dropped
}

// ResetRequests forgets the recorded requests and the counts.
func (s *Server) ResetRequests() {
	s.recMu.Lock()
	s.rec = newRecorder(s.cfg.recordLimit)
	s.recMu.Unlock()
}

func (s *Server) record(q *Request) {
	s.recMu.Lock()
	s.seq++
	q.Seq = s.seq
	s.rec.add(*q)
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
