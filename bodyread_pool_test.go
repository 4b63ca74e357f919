package authenta_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestPooledBodiesUnderConcurrentStalls: upload answers that trickle at
// about the read idle time (so that idle timers fire, or are stopped too
// late, at every point of a read) run beside Gets of another client that
// does not retry. The bodies of both come from one pool: a body returned
// while its timer could still fire would close, or read into, a Get's
// body. Every Get gets its own job, whole.
func TestPooledBodiesUnderConcurrentStalls(t *testing.T) {
	t.Parallel()
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", "40")
		w.WriteHeader(http.StatusOK)
		for range 40 {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
	}))
	t.Cleanup(storage.Close)
	message := func(id string) string { return strings.Repeat("job "+id+";", 300) }
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriterSize(w, 64) // the body in many small writes
		_, _ = fmt.Fprintf(bw, `{"id":%q,"status":"processing","message":%q}`, id, message(id))
		_ = bw.Flush()
	}))
	t.Cleanup(api.Close)

	uploader := storageClient(t, authenta.WithReadIdleTimeout(time.Millisecond), authenta.WithMaxRetries(0))
	t.Cleanup(func() { _ = uploader.Close(t.Context()) })
	getter, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey),
		authenta.WithBaseURL(api.URL), authenta.WithMaxRetries(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = getter.Close(t.Context()) })

	const workers, rounds = 8, 25
	type got struct {
		id, gotID, msg string
		err            error
	}
	gets := make([]got, workers*rounds)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			data := testData(512)
			for range rounds {
				// Its outcome does not matter: only what it does to the pool.
				_ = uploader.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: storage.URL + "/k?" + presignQuery},
					bytes.NewReader(data), int64(len(data)), "image/jpeg")
			}
		}()
		go func() {
			defer wg.Done()
			for i := range rounds {
				g := &gets[w*rounds+i]
				g.id = strconv.Itoa(w*rounds + i + 1)
				j, err := getter.Jobs.Get(t.Context(), g.id)
				g.err = err
				if err == nil {
					g.gotID, g.msg = j.ID, j.Message
				}
			}
		}()
	}
	wg.Wait()
	for _, g := range gets {
		require.NoError(t, g.err, "Get %s", g.id)
		assert.Equal(t, g.id, g.gotID)
		assert.Equal(t, message(g.id), g.msg, "Get %s: its own body, whole", g.id)
	}
}
