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
	for _, s := range spans.Ended() {
		for _, a := range s.Attributes() {
			v := a.Value.Emit()
			if strings.Contains(v, srv.APIKey()) || strings.Contains(v, "X-Amz-") {
				t.Errorf("span %s attribute %s = %q", s.Name(), a.Key, v)
			}
		}
	}
}
