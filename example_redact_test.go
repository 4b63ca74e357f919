package authenta_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	authenta "github.com/phospheneai/authenta-go"
)

// A Job marshals to camelCase JSON with every presigned query string
// redacted, ready to store or send on.
func ExampleJob_MarshalJSON() {
	job := &authenta.Job{
		ID:     "3140",
		Status: authenta.StatusCompleted,
		Artifacts: []authenta.Artifact{{
			Kind:        "result",
			DownloadURL: "https://bucket.s3.amazonaws.com/out/3140.json?X-Amz-Signature=0f3a9c",
		}},
	}
	b, _ := json.Marshal(job)
	fmt.Println(string(b))
	// Output:
	// {"id":"3140","status":"completed","artifacts":[{"kind":"result","downloadUrl":"https://bucket.s3.amazonaws.com/out/3140.json?[REDACTED]"}]}
}

// Logging a job with slog shows its state, never a presigned query string.
func ExampleJob_LogValue() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // a stable output for the example
			}
			return a
		},
	}))
	job := &authenta.Job{
		ID:     "3140",
		Status: authenta.StatusCompleted,
		Artifacts: []authenta.Artifact{{
			Kind:        "heatmap",
			DownloadURL: "https://bucket.s3.amazonaws.com/out/3140.png?X-Amz-Signature=0f3a9c",
		}},
	}
	logger.Info("job done", "job", job)
	// Output:
	// {"level":"INFO","msg":"job done","job":{"id":"3140","status":"completed","artifacts":{"0":{"kind":"heatmap","downloadUrl":"https://bucket.s3.amazonaws.com/out/3140.png?[REDACTED]"}}}}
}
