package authenta_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

func bptr(v bool) *bool { return &v }

func TestParseResultLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want authenta.Result
	}{
		{"bool true", `{"isDeepFake":true}`, authenta.Result{IsDeepFake: bptr(true)}},
		{"string True", `{"isDeepFake":"True"}`, authenta.Result{IsDeepFake: bptr(true)}},
		{"string false", `{"isDeepFake":"false"}`, authenta.Result{IsDeepFake: bptr(false)}},
		{"string FALSE", `{"isDeepFake":"FALSE"}`, authenta.Result{IsDeepFake: bptr(false)}},
		{"string 1", `{"isDeepFake":"1"}`, authenta.Result{IsDeepFake: bptr(true)}},
		{"number 0", `{"isDeepFake":0}`, authenta.Result{IsDeepFake: bptr(false)}},
		{"null", `{"isDeepFake":null}`, authenta.Result{}},
		{"unreadable", `{"isDeepFake":"maybe"}`, authenta.Result{}},
		{"legacy fake", `{"fake":true}`, authenta.Result{IsDeepFake: bptr(true)}},
		{"confidence number", `{"RealConfidencePercent":87.5}`, authenta.Result{RealConfidencePercent: f64(87.5)}},
		{"confidence string", `{"RealConfidencePercent":"87.5"}`, authenta.Result{RealConfidencePercent: f64(87.5)}},
		{"confidence percent string", `{"RealConfidencePercent":"87.5%"}`, authenta.Result{RealConfidencePercent: f64(87.5)}},
		{"confidence zero", `{"RealConfidencePercent":0.0}`, authenta.Result{RealConfidencePercent: f64(0)}},
		{"confidence junk", `{"RealConfidencePercent":"n/a"}`, authenta.Result{}},
		{"isLiveness", `{"isLiveness":"True"}`, authenta.Result{IsLive: bptr(true), IsSpoof: bptr(false)}},
		{"isSpoof negated", `{"isSpoof":true}`, authenta.Result{IsLive: bptr(false), IsSpoof: bptr(true)}},
		{"isSpoof false", `{"isSpoof":"false"}`, authenta.Result{IsLive: bptr(true), IsSpoof: bptr(false)}},
		{"isSpoof null", `{"isSpoof":null}`, authenta.Result{}},
		{"both: each as sent", `{"isLiveness":true,"isSpoof":false}`, authenta.Result{IsLive: bptr(true), IsSpoof: bptr(false)}},
		{"similarity", `{"isSimilar":"True","similarityScore":"82.67"}`, authenta.Result{IsSimilar: bptr(true), SimilarityScore: f64(82.67)}},
		{"similarity null", `{"isSimilar":null,"similarityScore":null}`, authenta.Result{}},
		{"faceVector", `{"faceVector":[0.5,"-0.25",1]}`, authenta.Result{FaceVector: []float64{0.5, -0.25, 1}}},
		{"embedding", `{"embedding":[0.1,0.2],"dimension":2}`, authenta.Result{FaceVector: []float64{0.1, 0.2}}},
		{"faceVector wins", `{"faceVector":[1],"embedding":[2]}`, authenta.Result{FaceVector: []float64{1}}},
		{"bad vector", `{"faceVector":[1,"x"]}`, authenta.Result{}},
		{"empty vector", `{"faceVector":[]}`, authenta.Result{FaceVector: []float64{}}},
		{"FI-1 document", `{"resultType":"face-intelligence","isDeepFake":null,"isLiveness":"True","isSimilar":"True","similarityScore":82.67}`,
			authenta.Result{ResultType: "face-intelligence", IsLive: bptr(true), IsSpoof: bptr(false), IsSimilar: bptr(true), SimilarityScore: f64(82.67)}},
		{"DI-1 document", `{"isFake":"false","isTampered":true}`, authenta.Result{IsFake: bptr(false), IsTampered: bptr(true)}},
		{"reference example", `{"confidence":0.98,"isAiGenerated":true,"analysisDetails":{}}`, authenta.Result{Confidence: f64(0.98), IsAIGenerated: bptr(true)}},
		{"unknown fields only", `{"analysisDetails":{"regions":[]},"model":"x"}`, authenta.Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := " \n" + tt.in + "\n"
			r, err := authenta.ParseResult([]byte(in))
			require.NoError(t, err)
			assert.JSONEq(t, tt.in, string(r.Raw), "Raw is the whole document")
			want := tt.want
			want.Raw = r.Raw
			assert.Equal(t, &want, r)
		})
	}
}

func TestParseResultRejectsNonObjects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, ` `, `null`, `[]`, `"x"`, `12`, `{"a":`, `<html></html>`} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			r, err := authenta.ParseResult([]byte(in))
			require.Error(t, err)
			assert.Nil(t, r)
		})
	}
}

func jobFromJSON(t *testing.T, s string) *authenta.Job {
	t.Helper()
	var j authenta.Job
	require.NoError(t, json.Unmarshal([]byte(s), &j))
	return &j
}

func TestResultSources(t *testing.T) {
	t.Parallel()
	const (
		resultPath = testBucket + "/out/7/result.json"
		resultURL  = resultPath + "?" + presignQuery
		heatmapURL = testBucket + "/out/7/heatmap.png?" + presignQuery
	)
	tests := []struct {
		name      string
		job       string
		download  httpmock.Responder // nil: the storage URL must not be fetched
		wantDeep  *bool
		wantRaw   string
		wantErr   error
		downloads int
	}{
		{"result artifact", `{"id":"7","status":"completed","artifacts":[{"kind":"input","downloadUrl":"` + heatmapURL + `"},{"kind":"result","downloadUrl":"` + resultURL + `"}]}`,
			jsonResponder(200, `{"isDeepFake":"True"}`), bptr(true), `{"isDeepFake":"True"}`, nil, 1},
		{"artifact preferred over inline", `{"id":"7","result":{"isDeepFake":false},"artifacts":[{"kind":"RESULT","downloadUrl":"` + resultURL + `"}]}`,
			jsonResponder(200, `{"isDeepFake":true}`), bptr(true), `{"isDeepFake":true}`, nil, 1},
		{"legacy resultURL", `{"mid":"7","status":"PROCESSED","resultURL":"` + resultURL + `"}`,
			httpmock.NewStringResponder(200, `{"isDeepFake":false,"RealConfidencePercent":99}`), bptr(false), `{"isDeepFake":false,"RealConfidencePercent":99}`, nil, 1},
		{"inline fallback", `{"id":"7","status":"completed","result":{"isDeepFake":"false"}}`,
			nil, bptr(false), `{"isDeepFake":"false"}`, nil, 0},
		{"heatmap is not a result", `{"id":"7","result":{"isDeepFake":true},"artifacts":[{"kind":"heatmap","downloadUrl":"` + heatmapURL + `"}]}`,
			nil, bptr(true), `{"isDeepFake":true}`, nil, 0},
		{"result artifact without URL", `{"id":"7","result":{"isDeepFake":true},"artifacts":[{"kind":"result","downloadUrl":""}]}`,
			nil, bptr(true), `{"isDeepFake":true}`, nil, 0},
		{"no result", `{"id":"7","status":"completed","result":null,"artifacts":[{"kind":"input","downloadUrl":"` + heatmapURL + `"}]}`,
			nil, nil, "", authenta.ErrNoResult, 0},
		{"download is not JSON", `{"id":"7","artifacts":[{"kind":"result","downloadUrl":"` + resultURL + `"}]}`,
			httpmock.NewStringResponder(200, `not json`), nil, "", nil, 1},
		{"download 500 is retried", `{"id":"7","artifacts":[{"kind":"result","downloadUrl":"` + resultURL + `"}]}`,
			httpmock.NewStringResponder(500, `oops`), nil, "", authenta.ErrServer, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			if tt.download != nil {
				mock.RegisterResponder(http.MethodGet, resultPath, script(&log, tt.download))
			}
			c := newClient(t, mock, authenta.WithMaxRetries(2))
			r, err := c.Jobs.Result(t.Context(), jobFromJSON(t, tt.job))
			assert.Equal(t, tt.downloads, log.count())
			for _, req := range log.list() {
				assert.Empty(t, req.Header.Values("Authorization"), "no Authorization on a presigned download")
				assert.Equal(t, presignQuery, req.URL.RawQuery)
			}
			if tt.wantRaw == "" {
				require.Error(t, err)
				if tt.wantErr != nil {
					assert.ErrorIs(t, err, tt.wantErr)
				}
				assert.Nil(t, r)
				assertNoSecrets(t, err.Error())
				return
			}
			require.NoError(t, err)
			assert.JSONEq(t, tt.wantRaw, string(r.Raw))
			assert.Equal(t, tt.wantDeep, r.IsDeepFake)
		})
	}
}

func TestResultRefreshesExpiredURL(t *testing.T) {
	t.Parallel()
	const (
		oldPath = testBucket + "/out/7/old.json"
		newPath = testBucket + "/out/7/new.json"
	)
	expired := httpmock.NewStringResponder(403, `<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`).
		HeaderSet(http.Header{"Content-Type": {"application/xml"}})
	freshJob := jsonResponder(200, `{"id":"7","status":"completed","artifacts":[{"kind":"result","downloadUrl":"`+newPath+`?`+presignQuery+`"}]}`)
	tests := []struct {
		name          string
		old, fresh    httpmock.Responder
		job           httpmock.Responder
		oldN, jobN    int
		freshN        int
		wantErr       error
		wantAnyErr    bool
		wantErrStatus int
	}{
		{"403 then fresh URL", expired, jsonResponder(200, `{"isDeepFake":true}`), freshJob, 1, 1, 1, nil, false, 0},
		{"404 then fresh URL", httpmock.NewStringResponder(404, `<Error><Code>NoSuchKey</Code></Error>`), jsonResponder(200, `{"isDeepFake":true}`), freshJob, 1, 1, 1, nil, false, 0},
		{"fresh URL expired too: one refresh only", expired, expired, freshJob, 1, 1, 1, nil, true, 403},
		{"job gone", expired, nil, jsonResponder(404, `{"code":"JOB_NOT_FOUND","message":"gone"}`), 1, 1, 0, authenta.ErrJobNotFound, false, 404},
		{"refreshed job has no result artifact", expired, nil, jsonResponder(200, `{"id":"7","status":"completed"}`), 1, 1, 0, nil, true, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var oldLog, jobLog, freshLog reqLog
			mock.RegisterResponder(http.MethodGet, oldPath, script(&oldLog, tt.old))
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(&jobLog, tt.job))
			if tt.fresh != nil {
				mock.RegisterResponder(http.MethodGet, newPath, script(&freshLog, tt.fresh))
			}
			c := newClient(t, mock)
			job := &authenta.Job{ID: "7", Status: authenta.StatusCompleted, Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: oldPath + "?" + presignQuery}}}
			r, err := c.Jobs.Result(t.Context(), job)
			assert.Equal(t, tt.oldN, oldLog.count(), "old URL")
			assert.Equal(t, tt.jobN, jobLog.count(), "job re-fetched")
			assert.Equal(t, tt.freshN, freshLog.count(), "fresh URL")
			for _, req := range jobLog.list() {
				assert.Equal(t, "Bearer "+testAPIKey, req.Header.Get("Authorization"))
			}
			for _, req := range append(oldLog.list(), freshLog.list()...) {
				assert.Empty(t, req.Header.Values("Authorization"))
			}
			if tt.wantErr == nil && !tt.wantAnyErr {
				require.NoError(t, err)
				assert.Equal(t, bptr(true), r.IsDeepFake)
				return
			}
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			var ae *authenta.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.wantErrStatus, ae.StatusCode)
			assertNoSecrets(t, err.Error())
		})
	}
}

func TestResultInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		nilCtx bool // call with a nil context
		job    *authenta.Job
	}{
		{"nil job", false, nil},
		{"nil context", true, &authenta.Job{ID: "7", InlineResult: json.RawMessage(`{}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			c := newClient(t, mock)
			ctx := callCtx(t, tt.nilCtx)
			r, err := c.Jobs.Result(ctx, tt.job)
			require.ErrorIs(t, err, authenta.ErrInvalidArgument)
			assert.Nil(t, r)
			assert.Zero(t, mock.GetTotalCallCount())
		})
	}
}
