// Command otel shows the SDK inside a service, traced with OpenTelemetry:
// an HTTP handler screens an uploaded image with Detect, passing the
// inbound X-Request-Id on and bounding the call (per-call options), and a
// Middleware records one client span per HTTP attempt (API calls, uploads,
// downloads, retries each on their own) and propagates the trace context.
//
//	cd examples/otel && go run .
//
// It is a module of its own, so that the SDK does not depend on
// OpenTelemetry. It runs against the embedded fake platform
// (authentatest) and prints the spans to stdout.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// Tracing returns a Middleware that records one client span per HTTP
// attempt and injects the trace context into the attempt's headers. It
// records the URL's path only: a presigned storage URL's query string is a
// credential.
func Tracing(tp trace.TracerProvider, prop propagation.TextMapPropagator) authenta.Middleware {
	tracer := tp.Tracer("github.com/phospheneai/authenta-go/examples/otel")
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		ctx, span := tracer.Start(req.Context(), req.Method+" "+spanPath(req), trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(
				attribute.String("http.request.method", req.Method),
				attribute.String("server.address", req.URL.Hostname()),
				attribute.String("url.path", req.URL.Path),
			))
		defer span.End()
		prop.Inject(ctx, propagation.HeaderCarrier(req.Header)) // the attempt's own headers
		resp, err := next(req.WithContext(ctx))
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "transport error")
			return resp, err
		}
		span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
		if resp.StatusCode >= 400 {
			span.SetStatus(codes.Error, resp.Status)
		}
		return resp, nil
	}
}

// spanPath names a span by the route, not the job: low cardinality.
func spanPath(req *http.Request) string {
	p := req.URL.Path
	if !strings.HasPrefix(p, "/api/") {
		return "storage"
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i := 1; i < len(parts); i++ {
		if parts[i-1] == "jobs" {
			parts[i] = "{id}"
		}
	}
	return "/" + strings.Join(parts, "/")
}

// screenHandler is the service: POST an image, get a verdict.
func screenHandler(c *authenta.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil || len(body) == 0 {
			http.Error(w, "need an image", http.StatusBadRequest)
			return
		}
		var info authenta.ResponseInfo
		opts := []authenta.CallOption{
			authenta.WithCallTimeout(30 * time.Second), // within the handler's budget
			authenta.WithResponseInfo(&info),
		}
		if id := r.Header.Get("X-Request-Id"); id != "" {
			opts = append(opts, authenta.WithCallHeader("X-Request-Id", id))
		}
		d, err := c.DetectReader(r.Context(), authenta.AIImageDetection, "upload.png", strings.NewReader(string(body)), int64(len(body)), nil, opts...)
		if err != nil {
			// Errors marshal to redacted JSON; never echo APIError.Body.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": err, "authenta": info})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"jobId": d.Job.ID, "fake": d.Result.IsDeepFake != nil && *d.Result.IsDeepFake,
			"attempts": info.Attempts, "authentaRequestId": info.RequestID,
		})
	}
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "otel:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	platform, err := authentatest.Start()
	if err != nil {
		return err
	}
	defer platform.Close()
	platform.Fail(authentatest.RouteUpload, 503) // one retried upload: two spans
	client, err := platform.NewClient(authenta.WithMiddleware(Tracing(tp, propagation.TraceContext{})))
	if err != nil {
		return err
	}
	defer func() { _ = client.Close(context.Background()) }()

	svc := httptest.NewServer(screenHandler(client))
	defer svc.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, svc.URL, strings.NewReader("png bytes"))
	if err != nil {
		return err
	}
	req.Header.Set("X-Request-Id", "inbound-123")
	resp, err := svc.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "service answered %d: %s", resp.StatusCode, answer)
	for _, s := range spans.Ended() {
		status := ""
		for _, a := range s.Attributes() {
			if a.Key == "http.response.status_code" {
				status = a.Value.Emit()
			}
		}
		fmt.Fprintf(out, "span %-34s %s\n", s.Name(), status)
	}
	return nil
}
