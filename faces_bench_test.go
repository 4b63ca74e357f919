package authenta_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/phospheneai/authenta-go/authentatest"
)

// BenchmarkFacesSearchStream measures a search with an upright photo
// within 4096 px, which is streamed as it is: the bytes allocated per call
// stay the same whatever the file's size (the header prefix and the
// multipart framing), and the server reads every byte.
//
//	go test -run='^$' -bench=FacesSearchStream -benchmem .
func BenchmarkFacesSearchStream(b *testing.B) {
	for _, size := range []int{1 << 20, 64 << 20} {
		b.Run(strconv.Itoa(size>>20)+"MiB", func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"results":[{"rank":1,"subject_id":"s","face_id":"f","similarity_score":0.9}]}`)
			}))
			b.Cleanup(srv.Close)
			c := benchClient(b, srv.URL)
			// A real JPEG header, then padding up to size: what is read
			// beyond the prefix is only ever streamed.
			photo := authentatest.Portrait(1, 64, 64)
			path := filepath.Join(b.TempDir(), "probe.jpg")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = f.Write(photo)
			if err := f.Truncate(int64(size)); err != nil {
				b.Fatal(err)
			}
			_ = f.Close()
			ctx := context.Background()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				m, err := c.Faces.Search(ctx, path, nil)
				if err != nil || len(m) != 1 {
					b.Fatal(m, err)
				}
			}
		})
	}
}
