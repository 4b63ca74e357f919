package authentatest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

const (
	keyRead      = "api_readonly_0001"
	keyWrite     = "api_writeonly_0002"
	keyBroke     = "api_broke_0003"
	keyNoPerm    = "api_noperm_0004"
	keyCheap     = "api_cheap_0005"
	keyReadBroke = "api_readbroke_0006"
)

func authServer(t *testing.T) *Server {
	return NewServer(t,
		WithKey(Key{Token: keyRead, Permissions: PermRead, Balance: 100}),
		WithKey(Key{Token: keyWrite, Permissions: PermWrite, Balance: 100}),
		WithKey(Key{Token: keyBroke, Permissions: PermAll, Balance: 0}),
		WithKey(Key{Token: keyNoPerm, Permissions: 0, Balance: 0}),
		WithKey(Key{Token: keyCheap, Permissions: PermAll, Balance: 0.5}),
		WithKey(Key{Token: keyReadBroke, Permissions: PermRead, Balance: 0}),
	)
}

func TestAuthOrder(t *testing.T) {
	t.Parallel()
	srv := authServer(t)
	existing := readyJob(t, srv)
	validCreate := map[string]any{"taskTypeId": "1", "inputs": []map[string]any{{"slotName": "original", "contentType": "image/jpeg", "fileName": "a.jpg", "sizeBytes": 1}}}

	tests := []struct {
		name     string
		method   string
		path     string
		header   string // the whole Authorization header; "" sends none
		body     any
		wantCode int
		wantErr  string
	}{
		{"no header", "GET", "/api/v1/jobs", "", nil, 401, "INVALID_API_KEY"},
		{"not bearer", "GET", "/api/v1/jobs", "Basic " + DefaultAPIKey, nil, 401, "INVALID_API_KEY"},
		{"bearer without key", "GET", "/api/v1/jobs", "Bearer", nil, 401, "INVALID_API_KEY"},
		{"malformed key", "GET", "/api/v1/jobs", "Bearer not-a-key", nil, 401, "INVALID_API_KEY"},
		{"unknown key", "GET", "/api/v1/jobs", "Bearer api_unknown_key_999", nil, 401, "INVALID_API_KEY"},
		{"unknown key before permission", "DELETE", "/api/v1/jobs/" + existing, "Bearer api_unknown_key_999", nil, 401, "INVALID_API_KEY"},
		{"lower-case bearer", "GET", "/api/v1/jobs", "bearer " + DefaultAPIKey, nil, 200, ""},
		{"read key creates", "POST", "/api/v1/jobs", "Bearer " + keyRead, validCreate, 403, "FORBIDDEN"},
		{"read key finalizes", "POST", "/api/v1/jobs/" + existing + "/finalize", "Bearer " + keyRead, nil, 403, "FORBIDDEN"},
		{"read key cancels", "POST", "/api/v1/jobs/" + existing + "/cancel", "Bearer " + keyRead, nil, 403, "FORBIDDEN"},
		{"read key deletes", "DELETE", "/api/v1/jobs/" + existing, "Bearer " + keyRead, nil, 403, "FORBIDDEN"},
		{"write key reads", "GET", "/api/v1/jobs/" + existing, "Bearer " + keyWrite, nil, 403, "FORBIDDEN"},
		{"write key lists", "GET", "/api/v1/jobs", "Bearer " + keyWrite, nil, 403, "FORBIDDEN"},
		{"write key deletes", "DELETE", "/api/v1/jobs/" + existing, "Bearer " + keyWrite, nil, 403, "FORBIDDEN"},
		{"permission before balance", "POST", "/api/v1/jobs", "Bearer " + keyNoPerm, validCreate, 403, "FORBIDDEN"},
		{"permission before job lookup", "GET", "/api/v1/jobs/999999", "Bearer " + keyWrite, nil, 403, "FORBIDDEN"},
		{"no balance to create", "POST", "/api/v1/jobs", "Bearer " + keyBroke, validCreate, 402, "INSUFFICIENT_BALANCE"},
		{"balance before validation", "POST", "/api/v1/jobs", "Bearer " + keyBroke, `{"taskTypeId":"99"}`, 402, "INSUFFICIENT_BALANCE"},
		{"no balance to finalize", "POST", "/api/v1/jobs/" + existing + "/finalize", "Bearer " + keyBroke, nil, 402, "INSUFFICIENT_BALANCE"},
		{"reads are free", "GET", "/api/v1/jobs/" + existing, "Bearer " + keyReadBroke, nil, 200, ""},
		{"below cost at finalize", "POST", "/api/v1/jobs/" + existing + "/finalize", "Bearer " + keyCheap, nil, 402, "INSUFFICIENT_BALANCE"},
		{"job lookup after auth", "GET", "/api/v1/jobs/469", "Bearer " + keyRead, nil, 404, "JOB_NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := callAuth(t, srv, tt.method, srv.URL+tt.path, tt.header, tt.body)
			require.Equal(t, tt.wantCode, r.Status, "body: %s", r.Body)
			if tt.wantErr == "" {
				return
			}
			var e map[string]any
			require.NoError(t, json.Unmarshal(r.Body, &e))
			assert.Len(t, e, 3, "exactly code, statusCode and message: %s", r.Body)
			assert.Equal(t, tt.wantErr, e["code"])
			assert.EqualValues(t, tt.wantCode, e["statusCode"])
			assert.NotEmpty(t, e["message"])
			assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
		})
	}

	// Nothing above created or finalized anything, or charged anyone.
	info, ok := srv.Job(existing)
	require.True(t, ok)
	assert.Equal(t, authenta.StatusPending, info.Status)
	assert.Len(t, srv.Jobs(), 1)
	assert.InDelta(t, 0.5, srv.Balance(keyCheap), 1e-9)
}

func TestAuthMessagesMatchDocs(t *testing.T) {
	t.Parallel()
	srv := authServer(t)
	r := call(t, srv, "GET", srv.URL+"/api/v1/jobs", "", nil)
	assert.JSONEq(t, `{"code":"INVALID_API_KEY","statusCode":401,"message":"API key authentication failed"}`, string(r.Body))
	r = call(t, srv, "GET", srv.URL+"/api/v1/jobs", keyWrite, nil)
	assert.JSONEq(t, `{"code":"FORBIDDEN","statusCode":403,"message":"You don't have permission to access this"}`, string(r.Body))
	r = call(t, srv, "POST", srv.URL+"/api/v1/jobs", keyBroke, `{}`)
	assert.JSONEq(t, `{"code":"INSUFFICIENT_BALANCE","statusCode":402,"message":"Insufficient balance. Please top up or enable pay-as-you-go billing"}`, string(r.Body))
	r = call(t, srv, "GET", srv.URL+"/api/v1/jobs/469", DefaultAPIKey, nil)
	assert.JSONEq(t, `{"code":"JOB_NOT_FOUND","statusCode":404,"message":"Job with ID 469 does not exist"}`, string(r.Body))
}

func TestRevokedKeyAndBalance(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithCost(authenta.AIImageDetection, 3))
	const key = "api_temporary_key_1"
	require.NoError(t, srv.AddKey(Key{Token: key, Permissions: PermAll, Balance: 4}))
	require.Error(t, srv.AddKey(Key{Token: "bad key"}))

	id, urls := createRawKey(t, srv, key)
	require.Equal(t, 200, put(t, srv, urls["original"], "image/jpeg", make([]byte, 16), nil).Status)
	r := call(t, srv, "POST", jobURL(srv, id, "/finalize"), key, nil)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.InDelta(t, 1, srv.Balance(key), 1e-9, "finalize charges the task's cost")
	info, _ := srv.Job(id)
	assert.InDelta(t, 3, info.Charged, 1e-9)

	// A second job: create passes (balance > 0), finalize cannot pay.
	id2, urls2 := createRawKey(t, srv, key)
	require.Equal(t, 200, put(t, srv, urls2["original"], "image/jpeg", make([]byte, 16), nil).Status)
	r = call(t, srv, "POST", jobURL(srv, id2, "/finalize"), key, nil)
	assert.Equal(t, 402, r.Status)
	srv.SetBalance(key, 10)
	r = call(t, srv, "POST", jobURL(srv, id2, "/finalize"), key, nil)
	assert.Equal(t, 200, r.Status)

	srv.RevokeKey(key)
	r = call(t, srv, "GET", jobURL(srv, id, ""), key, nil)
	assert.Equal(t, 401, r.Status)
	assert.Zero(t, srv.Balance(key))
}

func createRawKey(t *testing.T, srv *Server, key string) (string, map[string]string) {
	t.Helper()
	body := `{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"a.jpg","sizeBytes":16}]}`
	r := call(t, srv, "POST", srv.URL+"/api/v1/jobs", key, body)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	var out struct {
		Job    struct{ ID string }
		Inputs []struct{ SlotName, UploadURL string }
	}
	require.NoError(t, json.Unmarshal(r.Body, &out))
	return out.Job.ID, map[string]string{out.Inputs[0].SlotName: out.Inputs[0].UploadURL}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	in := func(slot, ct string) string {
		return `{"slotName":"` + slot + `","contentType":"` + ct + `","fileName":"f","sizeBytes":10}`
	}
	tests := []struct {
		name     string
		body     string
		query    string
		wantCode int
		wantErr  string
	}{
		{"string task id", `{"taskTypeId":"1","inputs":[` + in("original", "image/png") + `]}`, "", 200, ""},
		{"numeric task id", `{"taskTypeId":1,"inputs":[` + in("original", "image/png") + `]}`, "", 200, ""},
		{"task id in the query", `{"inputs":[` + in("original", "image/png") + `]}`, "?taskTypeId=1", 200, ""},
		{"content type parameters", `{"taskTypeId":"1","inputs":[` + in("original", "image/jpeg; charset=binary") + `]}`, "", 200, ""},
		{"missing task id", `{"inputs":[` + in("original", "image/png") + `]}`, "", 400, "INVALID_TASK_TYPE"},
		{"unknown task id", `{"taskTypeId":"99","inputs":[` + in("original", "image/png") + `]}`, "", 400, "INVALID_TASK_TYPE"},
		{"task id 12", `{"taskTypeId":12,"inputs":[` + in("original", "image/png") + `]}`, "", 400, "INVALID_TASK_TYPE"},
		{"task id not a number", `{"taskTypeId":"ai-image-detection","inputs":[` + in("original", "image/png") + `]}`, "", 400, "INVALID_TASK_TYPE"},
		{"task id object", `{"taskTypeId":{},"inputs":[` + in("original", "image/png") + `]}`, "", 400, "INVALID_TASK_TYPE"},
		{"video for AC-1", `{"taskTypeId":"1","inputs":[` + in("original", "video/mp4") + `]}`, "", 400, "UNSUPPORTED_MEDIA_TYPE"},
		{"octet-stream", `{"taskTypeId":"4","inputs":[` + in("original", "application/octet-stream") + `]}`, "", 400, "UNSUPPORTED_MEDIA_TYPE"},
		{"pdf for DI-1", `{"taskTypeId":"6","inputs":[` + in("original", "application/pdf") + `]}`, "", 200, ""},
		{"not JSON", `taskTypeId=1`, "", 400, "VALIDATION_ERROR"},
		{"no inputs", `{"taskTypeId":"1"}`, "", 400, "VALIDATION_ERROR"},
		{"empty inputs", `{"taskTypeId":"1","inputs":[]}`, "", 400, "VALIDATION_ERROR"},
		{"no slot", `{"taskTypeId":"1","inputs":[{"contentType":"image/png","fileName":"f","sizeBytes":1}]}`, "", 400, "VALIDATION_ERROR"},
		{"no file name", `{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","sizeBytes":1}]}`, "", 400, "VALIDATION_ERROR"},
		{"size as string", `{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","fileName":"f","sizeBytes":"1"}]}`, "", 400, "VALIDATION_ERROR"},
		{"zero size", `{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","fileName":"f","sizeBytes":0}]}`, "", 400, "VALIDATION_ERROR"},
		{"fractional size", `{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","fileName":"f","sizeBytes":1.5}]}`, "", 400, "VALIDATION_ERROR"},
		{"duplicate slot", `{"taskTypeId":"8","inputs":[` + in("original", "image/png") + `,` + in("original", "image/png") + `]}`, "", 400, "VALIDATION_ERROR"},
		{"reference for AC-1", `{"taskTypeId":"1","inputs":[` + in("original", "image/png") + `,` + in("reference", "image/png") + `]}`, "", 400, "VALIDATION_ERROR"},
		{"no original", `{"taskTypeId":"8","inputs":[` + in("reference", "image/png") + `]}`, "", 400, "VALIDATION_ERROR"},
		{"similarity without reference", `{"taskTypeId":"8","inputs":[` + in("original", "image/png") + `],"parameters":{"isSimilarityCheck":true}}`, "", 400, "VALIDATION_ERROR"},
		{"similarity as string without reference", `{"taskTypeId":"8","inputs":[` + in("original", "image/png") + `],"parameters":{"isSimilarityCheck":"True"}}`, "", 400, "VALIDATION_ERROR"},
		{"similarity with reference", `{"taskTypeId":"8","inputs":[` + in("original", "image/png") + `,` + in("reference", "image/jpeg") + `],"parameters":{"isSimilarityCheck":true}}`, "", 200, ""},
		{"parameters not an object", `{"taskTypeId":"8","inputs":[` + in("original", "image/png") + `],"parameters":[]}`, "", 400, "VALIDATION_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, "POST", srv.URL+"/api/v1/jobs"+tt.query, DefaultAPIKey, tt.body)
			require.Equal(t, tt.wantCode, r.Status, "body: %s", r.Body)
			if tt.wantErr != "" {
				assert.Equal(t, tt.wantErr, r.JSON(t)["code"])
			}
		})
	}
	t.Run("messages", func(t *testing.T) {
		t.Parallel()
		r := call(t, srv, "POST", srv.URL+"/api/v1/jobs", DefaultAPIKey, `{"taskTypeId":"99","inputs":[`+in("original", "image/png")+`]}`)
		assert.Equal(t, "Task type ID 99 does not exist", r.JSON(t)["message"])
		r = call(t, srv, "POST", srv.URL+"/api/v1/jobs", DefaultAPIKey, `{"taskTypeId":"1","inputs":[`+in("original", "video/mp4")+`]}`)
		assert.Equal(t, "Task type 1 (ai-image-detection) does not support media type: video/mp4", r.JSON(t)["message"])
	})
}

func TestCreateAnswer(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 14, 17, 1, 53, 402e6, time.UTC)
	srv := NewServer(t, WithClock(func() time.Time { return now }), WithFirstID(3140))
	r := call(t, srv, "POST", srv.URL+"/api/v1/jobs", DefaultAPIKey,
		`{"taskTypeId":"8","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"selfie.jpg","sizeBytes":414241},`+
			`{"slotName":"reference","contentType":"image/jpeg","fileName":"id.jpg","sizeBytes":120289}],`+
			`"parameters":{"version":"v1","isLivenessCheck":true,"isSimilarityCheck":true}}`)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	var out struct {
		Job    map[string]any `json:"job"`
		Inputs []struct {
			SlotName           string `json:"slotName"`
			UploadURL          string `json:"uploadUrl"`
			UploadURLExpiresAt string `json:"uploadUrlExpiresAt"`
		} `json:"inputs"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &out))
	assert.Equal(t, "3140", out.Job["id"])
	assert.Equal(t, "8", out.Job["taskTypeId"])
	assert.Equal(t, "waiting_for_finalize", out.Job["status"])
	assert.Equal(t, "2026-06-14T17:01:53.402Z", out.Job["createdAt"])
	assert.Contains(t, out.Job, "result")
	assert.Nil(t, out.Job["result"])
	require.Len(t, out.Inputs, 2)
	assert.Equal(t, "original", out.Inputs[0].SlotName)
	assert.Equal(t, "reference", out.Inputs[1].SlotName)
	for _, in := range out.Inputs {
		assert.Equal(t, "2026-06-14T18:01:53.000Z", in.UploadURLExpiresAt)
		assert.Contains(t, in.UploadURL, srv.StorageURL+"/authenta-storage/jobs/3140/inputs/"+in.SlotName+"/")
		assert.Contains(t, in.UploadURL, "X-Amz-Expires=3600")
		assert.Contains(t, in.UploadURL, "X-Amz-Signature=")
	}
	info, ok := srv.Job("3140")
	require.True(t, ok)
	assert.Equal(t, authenta.FaceIntelligence.ID, info.TaskType.ID)
	assert.Equal(t, true, info.Parameters["isLivenessCheck"])
	assert.Equal(t, []authenta.Input{
		{Slot: "original", FileName: "selfie.jpg", ContentType: "image/jpeg", Size: 414241},
		{Slot: "reference", FileName: "id.jpg", ContentType: "image/jpeg", Size: 120289},
	}, info.Inputs)
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	for _, tc := range []struct{ method, path string }{
		{"PUT", "/api/v1/jobs"},
		{"GET", "/api/v1/jobs/1/finalize"},
		{"GET", "/api/v2/jobs"},
		{"POST", "/api/v1/jobs/1/unknown"},
	} {
		r := call(t, srv, tc.method, srv.URL+tc.path, DefaultAPIKey, nil)
		assert.Equal(t, 404, r.Status, "%s %s", tc.method, tc.path)
		assert.Equal(t, "NOT_FOUND", r.JSON(t)["code"])
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	for _, q := range reqs {
		assert.Empty(t, q.Route)
	}
}
