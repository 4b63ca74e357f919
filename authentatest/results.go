package authentatest

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"

	authenta "github.com/phospheneai/authenta-go"
)

// DefaultResult returns the result document a Server gives a completed job
// of a task type when no option or hook says otherwise. The shapes follow
// the wire reference (§1.15):
//
//   - AC-1: {"resultType": "image", "isDeepFake": false, "RealConfidencePercent": 97.4}
//   - DF-1: two faces: "identityPredictions" and per-identity
//     "boundingBoxes" (frame index to [x1, y1, x2, y2] at half resolution,
//     with class and confidence); VF-1 and ED-1 one face each
//   - FI-1: "isLiveness", "isDeepFake", "isSimilar" and "similarityScore",
//     each null unless its check was asked for in the parameters; the
//     face's box is in "identityDetails" on the job, as the Python SDK
//     reads it
//   - FE-1: a 512-float L2-normalised "faceVector"
//   - DI-1: "isFake" and "isTampered"
//   - the others: a resultType, a verdict and a confidence
func DefaultResult(task authenta.TaskType, params map[string]any) json.RawMessage {
	return defaultResult(task, params, nil, FaceVector)
}

func defaultResult(task authenta.TaskType, params map[string]any, inputs []authenta.Input, style EmbeddingStyle) json.RawMessage {
	var doc string
	switch task.ID {
	case authenta.AIImageDetection.ID:
		doc = `{"resultType":"image","isDeepFake":false,"RealConfidencePercent":97.4}`
	case authenta.AIAudioDetection.ID:
		doc = `{"resultType":"audio","isDeepFake":false,"RealConfidencePercent":93.1,` +
			`"segments":[{"start":0,"end":4.5,"isDeepFake":false,"confidence":0.94},{"start":4.5,"end":9,"isDeepFake":false,"confidence":0.92}]}`
	case authenta.AIVideoDetection.ID:
		doc = `{"resultType":"video","isDeepFake":false,"RealConfidencePercent":91.8,"framesAnalyzed":48,` +
			`"identityPredictions":[{"identityId":0,"isDeepFake":false}],` +
			`"boundingBoxes":{"0":{"boundingBox":{"0":[140,60,220,170],"1":[141,60,221,171]},"class":"real","confidence":0.92}}}`
	case authenta.FaceSwapDetection.ID:
		doc = `{"resultType":"video","isDeepFake":false,"RealConfidencePercent":95.2,` +
			`"identityPredictions":[{"identityId":0,"isDeepFake":false},{"identityId":1,"isDeepFake":false}],` +
			`"boundingBoxes":{` +
			`"0":{"boundingBox":{"0":[112,64,208,180],"1":[113,64,209,181],"2":[115,65,211,182]},"class":"real","confidence":0.97},` +
			`"1":{"boundingBox":{"0":[300,80,380,178],"1":[302,80,382,179],"2":[304,81,384,180]},"class":"real","confidence":0.94}}}`
	case authenta.ImageForgeryDetection.ID:
		doc = `{"resultType":"image","isDeepFake":false,"isTampered":false,"RealConfidencePercent":96.5}`
	case authenta.DocumentIntelligence.ID:
		doc = `{"resultType":"document","isFake":false,"isTampered":false,"confidence":0.95}`
	case authenta.FaceLivenessDetection.ID:
		doc = `{"resultType":"liveness","isLiveness":true,"confidence":0.98}`
	case authenta.FaceIntelligence.ID:
		return faceIntelligenceResult(params, inputs)
	case authenta.FaceEmbedding.ID:
		if style == Embedding {
			return EmbeddingResult(512)
		}
		return FaceVectorResult(512)
	case authenta.AudioSplitter.ID:
		doc = `{"resultType":"audio-split","speakers":2,"segments":[{"speaker":"0","start":0,"end":3.2},{"speaker":"1","start":3.2,"end":7.9}]}`
	case authenta.EKYCDeepfake.ID:
		doc = `{"resultType":"video","isDeepFake":false,"isLiveness":true,"RealConfidencePercent":94.7,` +
			`"identityPredictions":[{"identityId":0,"isDeepFake":false}],` +
			`"boundingBoxes":{"0":{"boundingBox":{"0":[120,50,200,160],"1":[121,50,201,161]},"class":"real","confidence":0.95}}}`
	default:
		doc = `{"resultType":"unknown"}`
	}
	return json.RawMessage(doc)
}

func faceIntelligenceResult(params map[string]any, inputs []authenta.Input) json.RawMessage {
	video := len(inputs) > 0 && strings.HasPrefix(inputs[0].ContentType, "video/")
	null := json.RawMessage("null")
	doc := struct {
		ResultType      string          `json:"resultType"`
		IsDeepFake      json.RawMessage `json:"isDeepFake"`
		IsLiveness      json.RawMessage `json:"isLiveness"`
		IsSimilar       json.RawMessage `json:"isSimilar"`
		SimilarityScore json.RawMessage `json:"similarityScore"`
		FramesAnalyzed  int             `json:"framesAnalyzed"`
	}{"face-intelligence", null, null, null, null, 1}
	if flag(params, "isFaceswapCheck") {
		doc.IsDeepFake = json.RawMessage("false")
	}
	if flag(params, "isLivenessCheck") {
		doc.IsLiveness = json.RawMessage("true")
	}
	if flag(params, "isSimilarityCheck") {
		doc.IsSimilar, doc.SimilarityScore = json.RawMessage("true"), json.RawMessage("82.67")
	}
	if video {
		doc.FramesAnalyzed = 2
	}
	b, _ := json.Marshal(doc)
	return b
}

// identityDetails is what a completed face-intelligence job carries beside
// its result, as the Python SDK reads it: {"0": {"boundingBox": {frame:
// [x1, y1, x2, y2]}, "class": {"isDeepFake", "isLiveness"}, "confidence"}},
// the class flags taken from the job's result document. Other jobs, and
// results that are not a verdict, carry none.
func identityDetails(j *job) json.RawMessage {
	if j.task.ID != authenta.FaceIntelligence.ID || j.status != authenta.StatusCompleted {
		return nil
	}
	var flags struct {
		IsDeepFake, IsLiveness, Error json.RawMessage
	}
	if json.Unmarshal(j.result, &flags) != nil || (len(flags.Error) > 0 && string(flags.Error) != "null") {
		return nil
	}
	orNull := func(raw json.RawMessage) json.RawMessage {
		if len(raw) == 0 {
			return json.RawMessage("null")
		}
		return raw
	}
	box := map[string][]int{"0": {96, 40, 176, 150}}
	if len(j.inputs) > 0 && strings.HasPrefix(j.inputs[0].ContentType, "video/") {
		box["1"] = []int{97, 41, 177, 151}
	}
	b, _ := json.Marshal(map[string]any{"0": map[string]any{
		"boundingBox": box,
		"class":       map[string]json.RawMessage{"isDeepFake": orNull(flags.IsDeepFake), "isLiveness": orNull(flags.IsLiveness)},
		"confidence":  0.96,
	}})
	return b
}

// ErrorResult is the result document of a job that completed although its
// model failed: {"error": name, "message": message}, e.g.
// ErrorResult("OutOfMemoryError", "CUDA out of memory"). The SDK's
// Jobs.Result turns it into an error matching authenta.ErrJobFailed. Give
// it to WithResult or a job hook's JobConfig.Result, or use WithErrorResult.
func ErrorResult(name, message string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"error": name, "message": message})
	return b
}

// WithErrorResult makes every job of a task type complete with
// ErrorResult(name, message) as its result document.
func WithErrorResult(task authenta.TaskType, name, message string) Option {
	return WithResult(task, ErrorResult(name, message))
}

// Vector returns a deterministic L2-normalised vector of n floats, the
// face vector of the default face-embedding result.
func Vector(n int) []float64 {
	v := make([]float64, n)
	var sum float64
	for i := range v {
		v[i] = math.Sin(float64(i)*0.7 + 0.3)
		sum += v[i] * v[i]
	}
	norm := math.Sqrt(sum)
	for i := range v {
		v[i] = math.Round(v[i]/norm*1e6) / 1e6
	}
	return v
}

func vectorJSON(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range Vector(n) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	}
	b.WriteByte(']')
	return b.String()
}

// FaceVectorResult is a face-embedding result as the TypeScript SDK reads
// it: {"resultType": "face-embed", "faceVector": Vector(n)}.
func FaceVectorResult(n int) json.RawMessage {
	return json.RawMessage(`{"resultType":"face-embed","faceVector":` + vectorJSON(n) + `}`)
}

// EmbeddingResult is a face-embedding result as the Python SDK reads it:
// {"embedding": Vector(n), "dimension": n}.
func EmbeddingResult(n int) json.RawMessage {
	return json.RawMessage(`{"embedding":` + vectorJSON(n) + `,"dimension":` + strconv.Itoa(n) + `}`)
}

// heatmapPNG is the heatmap artifact: a 64×64 PNG, made once.
var heatmapPNG = sync.OnceValue(func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			d := math.Hypot(float64(x-32), float64(y-28)) / 45
			heat := uint8(255 * math.Max(0, 1-d))
			img.Set(x, y, color.RGBA{R: heat, G: 40, B: 255 - heat, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
})

// HeatmapPNG returns the bytes the storage host serves for heatmap
// artifacts.
func HeatmapPNG() []byte { return bytes.Clone(heatmapPNG()) }
