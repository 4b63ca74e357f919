package authenta_test

import (
	"fmt"
	"image"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// resultShapes is every result shape of wire reference §1.15 and §1.18,
// per task type, with the verdict a human reading the document gives, the
// probability of fake (nil: none) and the similarity (nil: none).
var resultShapes = []struct {
	name    string
	doc     string
	verdict authenta.Verdict
	fakeP   *float64
	sim     *float64
}{
	// AC-1: DEMO shared/result.json, the legacy record, the reference page's example.
	{"AC-1 real", `{"resultType":"image","isDeepFake":false,"RealConfidencePercent":97.4}`, authenta.VerdictReal, f64(0.026), nil},
	{"AC-1 fake, zero real confidence", `{"resultType":"image","isDeepFake":true,"RealConfidencePercent":0.0}`, authenta.VerdictFake, f64(1), nil},
	{"AC-1 strings", `{"resultType":"image","isDeepFake":"True","RealConfidencePercent":"3.5"}`, authenta.VerdictFake, f64(0.965), nil},
	{"AC-1 legacy fake", `{"fake":true,"confidence":0.91,"heatmapURL":"https://s3.test/h.png?X-Amz-Signature=abc"}`, authenta.VerdictFake, f64(0.91), nil},
	{"AC-1 legacy real, percent confidence", `{"fake":false,"confidence":88}`, authenta.VerdictReal, f64(0.12), nil},
	{"AC-1 reference example", `{"confidence":0.98,"isAiGenerated":true,"analysisDetails":{}}`, authenta.VerdictFake, f64(0.98), nil},
	{"AC-1 isAIGenerated false", `{"confidence":0.98,"isAIGenerated":false}`, authenta.VerdictReal, f64(0.02), nil},
	{"AC-1 real confidence only, low", `{"resultType":"image","RealConfidencePercent":12}`, authenta.VerdictFake, f64(0.88), nil},
	{"AC-1 real confidence only, high", `{"resultType":"image","RealConfidencePercent":"97%"}`, authenta.VerdictReal, f64(0.03), nil},

	// AF-1, VF-1: undocumented; the same flags.
	{"AF-1 real", `{"resultType":"audio","isDeepFake":false,"RealConfidencePercent":93.1,"segments":[{"start":0,"end":4.5}]}`, authenta.VerdictReal, f64(0.069), nil},
	{"AF-1 fake", `{"resultType":"audio","isDeepFake":"true"}`, authenta.VerdictFake, nil, nil},
	{"VF-1 fake", `{"resultType":"video","isDeepFake":true,"RealConfidencePercent":8}`, authenta.VerdictFake, f64(0.92), nil},
	{"VF-1 real with faces", `{"resultType":"video","isDeepFake":false,"boundingBoxes":{"0":{"boundingBox":{"0":[1,2,3,4]},"class":"real","confidence":0.9}}}`, authenta.VerdictReal, f64(0.1), nil},

	// DF-1: identityPredictions, boundingBoxes, identityDetails, legacy participants.
	{"DF-1 verdict only per identity", `{"resultType":"video","identityPredictions":[{"identityId":0,"isDeepFake":true}]}`, authenta.VerdictFake, nil, nil},
	{"DF-1 second identity fake", `{"resultType":"video","identityPredictions":[{"identityId":0,"isDeepFake":false},{"identityId":1,"isDeepFake":"True"}]}`, authenta.VerdictFake, nil, nil},
	{"DF-1 every identity real", `{"resultType":"video","identityPredictions":[{"identityId":0,"isDeepFake":false},{"identityId":"1","isDeepFake":"false"}]}`, authenta.VerdictReal, nil, nil},
	{"DF-1 top-level real, an identity fake", `{"resultType":"video","isDeepFake":false,"identityPredictions":[{"identityId":0,"isDeepFake":true}]}`, authenta.VerdictFake, nil, nil},
	{"DF-1 boxes class fake", `{"resultType":"video","boundingBoxes":{"0":{"boundingBox":{"0":[10,20,30,40]},"class":"fake","confidence":0.93}}}`, authenta.VerdictFake, f64(0.93), nil},
	{"DF-1 boxes class real", `{"resultType":"video","boundingBoxes":{"0":{"boundingBox":{"0":[10,20,30,40]},"class":"real","confidence":0.97}}}`, authenta.VerdictReal, f64(0.03), nil},
	{"DF-1 predictions and boxes", `{"resultType":"video","RealConfidencePercent":95.2,"identityPredictions":[{"identityId":0,"isDeepFake":false}],"boundingBoxes":{"0":{"boundingBox":{"0":[112,64,208,180]},"class":"real","confidence":0.97}}}`, authenta.VerdictReal, f64(0.048), nil},
	{"DF-1 identityDetails on the result", `{"identityDetails":{"0":{"boundingBox":{"3":[1,1,5,5]},"class":"fake","confidence":"0.8"}}}`, authenta.VerdictFake, f64(0.8), nil},
	{"DF-1 face_X keys", `{"boundingBoxes":{"face_0":{"boundingBox":{"0":[1,1,5,5]},"class":"real","confidence":0.6},"face_1":{"boundingBox":{"0":[9,9,15,15]},"class":"fake","confidence":0.7}}}`, authenta.VerdictFake, f64(0.7), nil},
	{"DF-1 string coordinates", `{"boundingBoxes":{"0":{"boundingBox":{"0":["10","20","30","40"]},"class":"FAKE"}}}`, authenta.VerdictFake, nil, nil},
	{"DF-1 legacy participants", `{"faces":2,"deepFakes":1,"participants":[{"id":0,"fake":false,"confidence":0.9,"heatmap":"https://s3.test/0.mp4?sig=x"},{"id":1,"fake":true,"confidence":0.95}]}`, authenta.VerdictFake, f64(0.95), nil},
	{"DF-1 legacy counts only, none fake", `{"faces":1,"deepFakes":0}`, authenta.VerdictReal, nil, nil},
	{"DF-1 legacy counts only, one fake", `{"faces":3,"deepFakes":"1"}`, authenta.VerdictFake, nil, nil},

	// FD-1, DI-1: isTampered, isFake.
	{"FD-1 tampered", `{"resultType":"image","isDeepFake":false,"isTampered":true}`, authenta.VerdictFake, nil, nil},
	{"FD-1 untouched", `{"resultType":"image","isDeepFake":false,"isTampered":false,"RealConfidencePercent":96.5}`, authenta.VerdictReal, f64(0.035), nil},
	{"DI-1 genuine", `{"isFake":false,"isTampered":false,"confidence":0.95}`, authenta.VerdictReal, f64(0.05), nil},
	{"DI-1 fake", `{"isFake":"True","isTampered":false}`, authenta.VerdictFake, nil, nil},
	{"DI-1 tampered only", `{"isFake":false,"isTampered":"true","confidence":0.7}`, authenta.VerdictFake, f64(0.7), nil},

	// FL-1: isLiveness (PY, JSH, notebooks) or isSpoof (TS), inverted.
	{"FL-1 live", `{"resultType":"liveness","isLiveness":true,"confidence":0.98}`, authenta.VerdictReal, f64(0.02), nil},
	{"FL-1 not live", `{"resultType":"liveness","isLiveness":"False"}`, authenta.VerdictFake, nil, nil},
	{"FL-1 isSpoof true", `{"resultType":"liveness","isSpoof":true,"confidence":0.9}`, authenta.VerdictFake, f64(0.9), nil},
	{"FL-1 isSpoof false", `{"resultType":"liveness","isSpoof":"false"}`, authenta.VerdictReal, nil, nil},

	// FI-1: liveness, faceswap, similarity; nulls for the checks not asked for.
	{"FI-1 liveness only", `{"resultType":"face-intelligence","isDeepFake":null,"isLiveness":"True","isSimilar":null,"similarityScore":null}`, authenta.VerdictReal, nil, nil},
	{"FI-1 spoof", `{"resultType":"face-intelligence","isDeepFake":null,"isLiveness":false,"isSimilar":null}`, authenta.VerdictFake, nil, nil},
	{"FI-1 faceswap found", `{"resultType":"face-intelligence","isDeepFake":true,"isLiveness":null}`, authenta.VerdictFake, nil, nil},
	{"FI-1 similar, percent score", `{"resultType":"face-intelligence","isDeepFake":null,"isLiveness":null,"isSimilar":"True","similarityScore":82.67}`, authenta.VerdictUnknown, nil, f64(0.8267)},
	{"FI-1 mismatch is not fake", `{"resultType":"face-intelligence","isSimilar":false,"similarityScore":"12.5"}`, authenta.VerdictUnknown, nil, f64(0.125)},
	{"FI-1 mismatch but live", `{"resultType":"face-intelligence","isLiveness":true,"isSimilar":false,"similarityScore":0.31}`, authenta.VerdictReal, nil, f64(0.31)},
	{"FI-1 similarity on 0..1", `{"resultType":"face_similarity","isSimilar":true,"similarityScore":0.91}`, authenta.VerdictUnknown, nil, f64(0.91)},
	{"FI-1 JSH per-face class, real", `{"resultType":"face","boundingBoxes":{"0":{"boundingBox":{"0":[96,40,176,150]},"class":{"isDeepFake":false,"isLiveness":true}}}}`, authenta.VerdictReal, nil, nil},
	{"FI-1 JSH per-face class, spoof", `{"resultType":"face","boundingBoxes":{"0":{"boundingBox":{"0":[96,40,176,150]},"class":{"isDeepFake":null,"isLiveness":"False"}}}}`, authenta.VerdictFake, nil, nil},
	{"FI-1 JSH per-face class, swapped", `{"resultType":"face","boundingBoxes":{"0":{"boundingBox":{"0":[96,40,176,150]},"class":{"isDeepFake":"true","isLiveness":true}}}}`, authenta.VerdictFake, nil, nil},
	{"FI-1 TS liveness example", `{"resultType":"liveness","isSpoof":false,"isDeepFake":null}`, authenta.VerdictReal, nil, nil},

	// FE-1 and AS-1 judge nothing.
	{"FE-1 faceVector", `{"resultType":"face-embed","faceVector":[0.6,0.8]}`, authenta.VerdictUnknown, nil, nil},
	{"FE-1 embedding", `{"embedding":[0.6,0.8],"dimension":2}`, authenta.VerdictUnknown, nil, nil},
	{"AS-1 split", `{"resultType":"audio-split","speakers":2,"segments":[{"speaker":"0","start":0,"end":3.2}]}`, authenta.VerdictUnknown, nil, nil},

	// ED-1: eKYC deepfakes, a video with liveness.
	{"ED-1 real and live", `{"resultType":"video","isDeepFake":false,"isLiveness":true,"RealConfidencePercent":94.7}`, authenta.VerdictReal, f64(0.053), nil},
	{"ED-1 not live", `{"resultType":"video","isDeepFake":false,"isLiveness":false}`, authenta.VerdictFake, nil, nil},
	{"ED-1 an identity fake", `{"resultType":"video","isDeepFake":false,"boundingBoxes":{"0":{"boundingBox":{"0":[1,1,2,2]},"class":"fake","confidence":0.66}}}`, authenta.VerdictFake, f64(0.66), nil},

	// Documents that say nothing either way.
	{"empty", `{}`, authenta.VerdictUnknown, nil, nil},
	{"every flag null", `{"isDeepFake":null,"isLiveness":null,"isSpoof":null,"isFake":null,"isTampered":null,"isAIGenerated":null}`, authenta.VerdictUnknown, nil, nil},
	{"unreadable flags", `{"isDeepFake":"maybe","isLiveness":[],"RealConfidencePercent":"n/a"}`, authenta.VerdictUnknown, nil, nil},
	{"confidence without a verdict", `{"confidence":0.9}`, authenta.VerdictUnknown, nil, nil},
	{"identity without a verdict", `{"boundingBoxes":{"0":{"boundingBox":{"0":[1,1,2,2]},"confidence":0.9}}}`, authenta.VerdictUnknown, nil, nil},
	{"top-level class", `{"class":"fake"}`, authenta.VerdictFake, nil, nil},
	{"unknown top-level class", `{"class":"cat"}`, authenta.VerdictUnknown, nil, nil},
	{"a frame labelled fake", `{"boundingBoxes":{"0":{"boundingBox":{"0":[1,1,2,2],"1":{"box":[1,1,2,2],"class":"fake","confidence":0.8}}}}}`, authenta.VerdictFake, nil, nil},
	{"an error field beside a verdict is no failure", `{"error":"partial","message":"one frame skipped","isDeepFake":false}`, authenta.VerdictReal, nil, nil},
}

func TestResultVerdictOverEveryShape(t *testing.T) {
	t.Parallel()
	for _, tt := range resultShapes {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := authenta.ParseResult([]byte(tt.doc))
			require.NoError(t, err)
			assert.Equal(t, tt.verdict, r.Verdict())
			p, ok := r.FakeProbability()
			if tt.fakeP == nil {
				assert.False(t, ok, "no probability, got %v", p)
			} else if assert.True(t, ok, "a probability") {
				assert.InDelta(t, *tt.fakeP, p, 1e-9)
			}
			sim, ok := r.Similarity()
			if tt.sim == nil {
				assert.False(t, ok, "no similarity, got %v", sim)
			} else if assert.True(t, ok, "a similarity") {
				assert.InDelta(t, *tt.sim, sim, 1e-9)
			}
		})
	}
}

func TestResultErrorDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		want      string // in the error's text
	}{
		{"OutOfMemoryError", `{"error":"OutOfMemoryError","message":"CUDA out of memory. Tried to allocate 2.00 GiB"}`, "OutOfMemoryError: CUDA out of memory"},
		{"error object", `{"error":{"name":"ModelError","message":"no face"}}`, "ModelError: no face"},
		{"error code object", `{"error":{"code":"E42"},"message":"bad input"}`, "E42: bad input"},
		{"errorMessage only", `{"errorMessage":"model crashed"}`, "model crashed"},
		{"error true", `{"error":true,"message":"timeout"}`, "timeout"},
		{"null flags around the error", `{"error":"RuntimeError","isDeepFake":null,"isLiveness":null}`, "RuntimeError"},
		{"message with a presigned URL", `{"error":"IOError","message":"cannot read https://s3.test/in.mp4?X-Amz-Signature=SECRET"}`, "IOError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := authenta.ParseResult([]byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, r)
			require.ErrorIs(t, err, authenta.ErrJobFailed)
			var re *authenta.ResultError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "SECRET")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	for _, doc := range []string{`{"error":null,"isDeepFake":true}`, `{"error":"","x":1}`, `{"error":false}`, `{"message":"ok"}`, `{"error":"x","faceVector":[1]}`, `{"error":"x","isSimilar":true}`} {
		_, err := authenta.ParseResult([]byte(doc))
		assert.NoError(t, err, doc)
	}
}

func TestResultIdentities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []authenta.Identity
	}{
		{"DF-1 boxes at half resolution, frames in order",
			`{"identityPredictions":[{"identityId":0,"isDeepFake":false}],"boundingBoxes":{"0":{"boundingBox":{"10":[1,2,3,4],"2":[112,64,208,180]},"class":"real","confidence":0.97}}}`,
			[]authenta.Identity{{ID: "0", IsDeepFake: bptr(false), Confidence: f64(0.97), Class: "real", Boxes: []authenta.FrameBox{
				{Frame: 2, Box: image.Rect(224, 128, 416, 360)}, {Frame: 10, Box: image.Rect(2, 4, 6, 8)}}}}},
		{"identities ordered by number, then name",
			`{"identityPredictions":[{"identityId":10,"isDeepFake":true},{"identityId":2,"isDeepFake":false},{"identityId":"face_1"}]}`,
			[]authenta.Identity{{ID: "2", IsDeepFake: bptr(false)}, {ID: "10", IsDeepFake: bptr(true)}, {ID: "face_1"}}},
		{"class sets IsDeepFake, percent confidence scaled",
			`{"identityDetails":{"1":{"boundingBox":{"0":[0.5,1.25,10,20]},"class":"fake","confidence":93}}}`,
			[]authenta.Identity{{ID: "1", IsDeepFake: bptr(true), Confidence: f64(0.93), Class: "fake", Boxes: []authenta.FrameBox{{Frame: 0, Box: image.Rect(1, 3, 20, 40)}}}}},
		{"FI-1 class object",
			`{"boundingBoxes":{"0":{"boundingBox":{"0":[96,40,176,150]},"class":{"isDeepFake":null,"isLiveness":false}}}}`,
			[]authenta.Identity{{ID: "0", IsLive: bptr(false), Class: "spoof", Boxes: []authenta.FrameBox{{Frame: 0, Box: image.Rect(192, 80, 352, 300)}}}}},
		{"one box for a still image",
			`{"boundingBoxes":{"0":{"boundingBox":[10,10,20,20],"class":"real"}}}`,
			[]authenta.Identity{{ID: "0", IsDeepFake: bptr(false), Class: "real", Boxes: []authenta.FrameBox{{Frame: 0, Box: image.Rect(20, 20, 40, 40)}}}}},
		{"array of frames, per-frame objects",
			`{"boundingBoxes":{"0":{"boundingBox":[[1,1,2,2],{"box":[3,3,4,4],"class":"fake","confidence":0.5},{"x1":5,"y1":5,"x2":6,"y2":6}]}}}`,
			[]authenta.Identity{{ID: "0", Boxes: []authenta.FrameBox{
				{Frame: 0, Box: image.Rect(2, 2, 4, 4)}, {Frame: 1, Box: image.Rect(6, 6, 8, 8), Class: "fake", Confidence: f64(0.5)}, {Frame: 2, Box: image.Rect(10, 10, 12, 12)}}}}},
		{"frame names, swapped corners, unreadable boxes skipped",
			`{"boundingBoxes":{"0":{"boundingBox":{"frame_7":[30,40,10,20],"x":[1,2,3,4],"1":[1,2,3],"2":[1,2,3,"a"],"3":[1e300,0,1,1],"-1":[1,1,2,2]}}}}`,
			[]authenta.Identity{{ID: "0", Boxes: []authenta.FrameBox{{Frame: 7, Box: image.Rect(20, 40, 60, 80)}}}}},
		{"legacy participants",
			`{"participants":[{"id":"p1","fake":true,"confidence":0.9,"heatmap":"https://s3.test/h?sig=1"},{"fake":false}]}`,
			[]authenta.Identity{{ID: "1", IsDeepFake: bptr(false)}, {ID: "p1", IsDeepFake: bptr(true), Confidence: f64(0.9)}}},
		{"wrong shapes are skipped",
			`{"identityPredictions":"x","boundingBoxes":[1,"a"],"identityDetails":{"0":5}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := authenta.ParseResult([]byte(tt.doc))
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Identities)
		})
	}
}

func TestVerdictOfHandBuiltResults(t *testing.T) {
	t.Parallel()
	var nilResult *authenta.Result
	assert.Equal(t, authenta.VerdictUnknown, nilResult.Verdict())
	_, ok := nilResult.FakeProbability()
	assert.False(t, ok)
	_, ok = nilResult.Similarity()
	assert.False(t, ok)
	r := &authenta.Result{Identities: []authenta.Identity{{ID: "0", Class: "deepfake", Confidence: f64(0.7)}}}
	assert.Equal(t, authenta.VerdictFake, r.Verdict())
	p, ok := r.FakeProbability()
	require.True(t, ok)
	assert.InDelta(t, 0.7, p, 1e-9)
	_, ok = (&authenta.Result{SimilarityScore: f64(140)}).Similarity()
	assert.False(t, ok, "a score above 100 is on no known scale")
	_, ok = (&authenta.Result{SimilarityScore: f64(-0.2)}).Similarity()
	assert.False(t, ok)
}

// TestResultMergesTheJobsIdentityDetails: FI-1 puts identityDetails on the
// job beside its result; Result merges them into Identities.
func TestResultMergesTheJobsIdentityDetails(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"top level": `{"id":"7","status":"completed","result":{"resultType":"face-intelligence","isLiveness":true},` +
			`"identityDetails":{"0":{"boundingBox":{"0":[10,20,30,40]},"class":{"isDeepFake":false,"isLiveness":true},"confidence":0.9}}}`,
		"in the job wrapper": `{"job":{"id":"7","status":"completed","result":{"resultType":"face-intelligence","isLiveness":true},` +
			`"identityDetails":{"0":{"boundingBox":{"0":[10,20,30,40]},"class":{"isDeepFake":false,"isLiveness":true},"confidence":0.9}}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder("GET", jobURL("7", ""), jsonResponder(200, body))
			c := newClient(t, mock)
			job, err := c.Jobs.Get(t.Context(), "7")
			require.NoError(t, err)
			r, err := c.Jobs.Result(t.Context(), job)
			require.NoError(t, err)
			assert.Equal(t, authenta.VerdictReal, r.Verdict())
			assert.Equal(t, []authenta.Identity{{ID: "0", IsDeepFake: bptr(false), IsLive: bptr(true), Confidence: f64(0.9), Class: "real",
				Boxes: []authenta.FrameBox{{Frame: 0, Box: image.Rect(20, 40, 60, 80)}}}}, r.Identities)
		})
	}
}

// TestResultOfAnErrorDocument: a completed job whose result reports an
// error gives an error matching ErrJobFailed that carries the job, in one
// line without secrets, and no result.
func TestResultOfAnErrorDocument(t *testing.T) {
	t.Parallel()
	mock := newMock(t)
	doc := `{"error":"OutOfMemoryError","message":"CUDA out of memory\nkey ` + testAPIKey + ` at https://s3.test/x?X-Amz-Signature=SIGSECRET0123"}`
	mock.RegisterResponder("GET", testBucket+"/r/7.json", httpmock.NewStringResponder(200, doc))
	c := newClient(t, mock)
	job := &authenta.Job{ID: "7", Status: authenta.StatusCompleted, Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: testBucket + "/r/7.json?" + presignQuery}}}
	r, err := c.Jobs.Result(t.Context(), job)
	require.Error(t, err)
	assert.Nil(t, r)
	assert.ErrorIs(t, err, authenta.ErrJobFailed)
	var re *authenta.ResultError
	require.ErrorAs(t, err, &re)
	assert.Same(t, job, re.Job)
	assert.Equal(t, "OutOfMemoryError", re.Name)
	assert.Contains(t, err.Error(), "job 7 completed with an error result: OutOfMemoryError: CUDA out of memory")
	assert.NotContains(t, err.Error(), "\n")
	assertErrNoSecrets(t, err)
	assertNoSecrets(t, fmt.Sprintf("%#v", *re))
}
