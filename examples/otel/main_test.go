package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"service answered 200", `"attempts":`, "span POST /api/v1/jobs ", "span PUT storage", "503", "span GET /api/v1/jobs/{id}"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

// TestTracingPropagatesAndHidesSecrets: every attempt is a span, the
// trace context reaches the platform, and no span holds the key or a
// presigned query.
func TestTracingPropagatesAndHidesSecrets(t *testing.T) {
	srv := authentatest.NewServer(t)
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	c := srv.Client(authenta.WithMiddleware(Tracing(tp, propagation.TraceContext{})))
	srv.Fail(authentatest.RouteCreate, 503)
	srv.Inject(authentatest.RouteUpload, authentatest.Fault{Conn: authentatest.Reset}) // a span with an error event
	if _, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.png", strings.NewReader("png"), 3, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := len(spans.Ended()), srv.Count(authentatest.RouteAll); got != want {
		t.Errorf("%d spans for %d attempts", got, want)
	}
	for _, r := range srv.Requests() {
		if r.Header.Get("Traceparent") == "" {
			t.Errorf("%s %s: no traceparent", r.Method, r.Path)
		}
	}
	leaks := func(v string) bool { return strings.Contains(v, srv.APIKey()) || strings.Contains(v, "X-Amz-") }
	events := 0
	for _, s := range spans.Ended() {
		if leaks(s.Name()) || leaks(s.Status().Description) {
			t.Errorf("span %q status %q", s.Name(), s.Status().Description)
		}
		for _, a := range s.Attributes() {
			if v := a.Value.Emit(); leaks(v) {
				t.Errorf("span %s attribute %s = %q", s.Name(), a.Key, v)
			}
		}
		for _, e := range s.Events() {
			events++
			for _, a := range e.Attributes {
				if v := a.Value.Emit(); leaks(v) {
					t.Errorf("span %s event %s attribute %s = %q", s.Name(), e.Name, a.Key, v)
				}
			}
		}
	}
	if events == 0 {
		t.Error("the reset upload recorded no error event: the events were not checked")
	}
}
