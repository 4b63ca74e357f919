package authentatest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Route names one endpoint of the fake, for fault injection, latency and
// counting recorded requests. The API routes are written as the reference
// page writes them; the storage routes name the presigned URLs.
type Route string

// The routes. ParseRoute also accepts the short names "create",
// "finalize", "get", "list", "cancel", "delete", "upload" and "download"
// (and, for face indexing, "enroll", "subjects", "search", "face-upload"
// and "face-image").
const (
	RouteCreate   Route = "POST /api/v1/jobs"
	RouteFinalize Route = "POST /api/v1/jobs/{id}/finalize"
	RouteGet      Route = "GET /api/v1/jobs/{id}"
	RouteList     Route = "GET /api/v1/jobs"
	RouteCancel   Route = "POST /api/v1/jobs/{id}/cancel"
	RouteDelete   Route = "DELETE /api/v1/jobs/{id}"
	RouteUpload   Route = "PUT {uploadUrl}"
	RouteDownload Route = "GET {downloadUrl}"
	// RouteAll stands for every route in WithLatency and SetLatency.
	RouteAll Route = "*"
)

var routeNames = map[string]Route{
	"create": RouteCreate, "finalize": RouteFinalize, "get": RouteGet, "list": RouteList,
	"cancel": RouteCancel, "delete": RouteDelete, "upload": RouteUpload, "download": RouteDownload,
	"enroll": RouteFaceEnroll, "subjects": RouteFaceSubjects, "search": RouteFaceSearch,
	"face-upload": RouteFaceUpload, "face-image": RouteFaceImage,
}

// Routes returns every route, API routes first.
func Routes() []Route {
	return []Route{RouteCreate, RouteFinalize, RouteGet, RouteList, RouteCancel, RouteDelete, RouteUpload, RouteDownload,
		RouteFaceEnroll, RouteFaceSubjects, RouteFaceSearch, RouteFaceUpload, RouteFaceImage}
}

// ParseRoute returns the route a name stands for: a Route constant's text
// or its short name ("get"), case-insensitively, or "*" for RouteAll.
func ParseRoute(name string) (Route, error) {
	n := strings.TrimSpace(name)
	if n == string(RouteAll) {
		return RouteAll, nil
	}
	if r, ok := routeNames[strings.ToLower(n)]; ok {
		return r, nil
	}
	for _, r := range Routes() {
		if strings.EqualFold(n, string(r)) {
			return r, nil
		}
	}
	return "", fmt.Errorf("authentatest: unknown route %q", name)
}

// Fault is one injected misbehaviour, used for the next request to a
// route (see Server.Inject and Server.Fail). A fault is applied before
// anything else the server does with the request: before authentication,
// before the job is looked up, before a presigned URL is checked.
type Fault struct {
	// Delay waits before the fault (or, when the fault does not answer,
	// before the normal answer).
	Delay time.Duration

	// Status answers the request with this HTTP status instead of handling
	// it. Zero handles the request normally (after Delay, and before
	// Conn's effect when Conn is DropResponse).
	Status int
	// Body is the answer's body: a JSON error envelope on the API host
	// and an S3 XML error on the storage host by default, or HTML, text or
	// nothing (see BodyKind).
	Body BodyKind
	// RawBody, when not empty, is sent as the body verbatim, with
	// ContentType (text/plain by default).
	RawBody     string
	ContentType string
	// RetryAfter, when not empty, is sent as the Retry-After header
	// ("2", or an HTTP date).
	RetryAfter string
	// Header holds more headers for the answer.
	Header http.Header

	// Conn drops the connection instead of answering (see ConnFault).
	Conn ConnFault
	// DropAfter is how many bytes of the request body are read before a
	// Drop or Reset closes the connection (0: none).
	DropAfter int64
}

// BodyKind is the format of an injected error answer.
type BodyKind int

const (
	// BodyDefault is the host's own error format: {"code", "statusCode",
	// "message"} on the API, S3 XML on storage.
	BodyDefault BodyKind = iota
	// BodyHTML is an HTML error page, as a proxy or a bot-protection layer
	// sends.
	BodyHTML
	// BodyText is a line of plain text.
	BodyText
	// BodyEmpty is no body at all.
	BodyEmpty
	// BodyXML is an S3 XML error, on either host.
	BodyXML
	// BodyJSON is the API's JSON error envelope, on either host.
	BodyJSON
)

// ConnFault is a connection-level fault.
type ConnFault int

const (
	// ConnOK answers normally.
	ConnOK ConnFault = iota
	// Drop closes the connection without an answer, after reading
	// DropAfter bytes of the body. The request is not handled.
	Drop
	// Reset is Drop with a TCP reset (RST) instead of an orderly close.
	Reset
	// DropResponse handles the request (a create creates the job, a
	// finalize finalizes it) and then closes the connection instead of
	// sending the answer: the client cannot know whether it happened.
	DropResponse
)

// Status is a Fault that answers with an HTTP status and the host's usual
// error body.
func Status(code int) Fault { return Fault{Status: code} }

// Inject queues faults for the next requests to a route: the first fault
// for the next request, the second for the one after, and so on; later
// requests are handled normally again. Faults queued by several calls run
// in the order of the calls. It panics on an unknown route.
func (s *Server) Inject(route Route, faults ...Fault) {
	r := mustRoute(route)
	if r == RouteAll {
		panic("authentatest: Inject needs one route, not RouteAll")
	}
	s.mu.Lock()
	s.faults[r] = append(s.faults[r], faults...)
	s.mu.Unlock()
}

// Fail queues one fault per status for the next requests to a route:
// srv.Fail(authentatest.RouteGet, 503, 503) answers the next two GETs of a
// job with 503 Service Unavailable.
func (s *Server) Fail(route Route, statuses ...int) {
	faults := make([]Fault, len(statuses))
	for i, code := range statuses {
		faults[i] = Status(code)
	}
	s.Inject(route, faults...)
}

// PendingFaults returns how many injected faults for a route have not been
// used yet.
func (s *Server) PendingFaults(route Route) int {
	r := mustRoute(route)
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults[r])
}

// ClearFaults drops the unused faults of every route.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	clear(s.faults)
	s.mu.Unlock()
}

// SetLatency delays every later answer on a route (RouteAll: every route)
// by d; zero removes the delay.
func (s *Server) SetLatency(route Route, d time.Duration) {
	r := mustRoute(route)
	s.mu.Lock()
	if d <= 0 {
		delete(s.latency, r)
	} else {
		s.latency[r] = d
	}
	s.mu.Unlock()
}

func mustRoute(route Route) Route {
	r, err := ParseRoute(string(route))
	if err != nil {
		panic(err)
	}
	return r
}

// nextFault pops the next fault for a route and returns the route's
// latency.
func (s *Server) nextFault(route Route) (f Fault, ok bool, latency time.Duration) {
	if route == "" {
		return Fault{}, false, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	latency = s.latency[route] + s.latency[RouteAll]
	if q := s.faults[route]; len(q) > 0 {
		f, ok = q[0], true
		q[0] = Fault{}
		if len(q) == 1 {
			delete(s.faults, route)
		} else {
			s.faults[route] = q[1:]
		}
	}
	return f, ok, latency
}
