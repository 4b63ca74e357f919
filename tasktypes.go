package authenta

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TaskType is one of the detection models the platform runs. The values are
// fixed by the platform; use the package variables (AIImageDetection, ...)
// or ParseTaskType rather than building one by hand.
type TaskType struct {
	ID        int           // 1..11, sent as the string form of this number
	Slug      string        // "ai-image-detection"
	Model     string        // "AC-1"
	Name      string        // "AI Image Detector"
	MIMETypes []string      // accepted content types, e.g. image/jpeg, image/png
	Timeout   time.Duration // the server's processing timeout for this task
}

// String returns the model code and slug, e.g. "AC-1 (ai-image-detection)".
func (t TaskType) String() string {
	if t.ID == 0 {
		return "TaskType(unset)"
	}
	return t.Model + " (" + t.Slug + ")"
}

// Accepts reports whether the task type takes input of the given content
// type. Parameters such as "; charset=" are ignored and the comparison is
// case-insensitive. For the platform's task types it consults the SDK's
// own table, not t.MIMETypes, which is the caller's copy.
func (t TaskType) Accepts(contentType string) bool {
	ct := canonicalMIME(contentType)
	return slices.Contains(t.mimeTypes(), ct)
}

const (
	mimeJPEG = "image/jpeg"
	mimePNG  = "image/png"
	mimeMP4  = "video/mp4"
	mimeMOV  = "video/quicktime"
	mimeWebM = "video/webm"
	mimeMP3  = "audio/mpeg"
	mimeWAV  = "audio/wav"
	mimeM4A  = "audio/mp4"
	mimePDF  = "application/pdf"
)

// taskTable is the SDK's own copy of the platform's task types. Its
// MIMETypes slices are never handed out: the exported variables,
// TaskTypes and ParseTaskType give copies, and the SDK's checks (Accepts,
// Create, Detect) read this table, so that a caller writing into
// AIImageDetection.MIMETypes changes nothing else.
var taskTable = [...]TaskType{
	{1, "ai-image-detection", "AC-1", "AI Image Detector", []string{mimeJPEG, mimePNG}, 5 * time.Minute},
	{2, "ai-audio-detection", "AF-1", "AI Audio Detector", []string{mimeMP3, mimeWAV, mimeM4A}, 10 * time.Minute},
	{3, "ai-video-detection", "VF-1", "AI Video Detector", []string{mimeMP4, mimeMOV}, 10 * time.Minute},
	{4, "faceswap-detection", "DF-1", "Face Swap Detection", []string{mimeMP4, mimeMOV, mimeWebM}, 30 * time.Minute},
	{5, "image-forgery-detection", "FD-1", "Image Forgery Detection", []string{mimeJPEG, mimePNG}, 5 * time.Minute},
	{6, "document-intelligence", "DI-1", "Document Intelligence", []string{mimeJPEG, mimePNG, mimePDF}, 5 * time.Minute},
	{7, "face-liveness-detection", "FL-1", "Face Liveness Detection", []string{mimeJPEG, mimePNG}, 10 * time.Minute},
	{8, "face-intelligence", "FI-1", "Face Intelligence", []string{mimeJPEG, mimePNG, mimeMP4, mimeWebM, mimeMOV}, 10 * time.Minute},
	{9, "face-embedding", "FE-1", "Face Embedding", []string{mimeJPEG, mimePNG}, 10 * time.Minute},
	{10, "audio-splitter", "AS-1", "Audio Splitter", []string{mimeMP3, mimeWAV, mimeM4A}, 10 * time.Minute},
	{11, "ekyc-deepfake", "ED-1", "EKYC Deepfakes", []string{mimeMP4, mimeMOV, mimeWebM}, 10 * time.Minute},
}

// taskCopy returns entry i of the table with its own MIMETypes.
func taskCopy(i int) TaskType {
	t := taskTable[i]
	t.MIMETypes = slices.Clone(t.MIMETypes)
	return t
}

// The platform's task types (wire reference §1.13). Each holds its own
// copy of its MIMETypes: changing one changes neither another task type
// nor what the SDK accepts.
var (
	AIImageDetection      = taskCopy(0)
	AIAudioDetection      = taskCopy(1)
	AIVideoDetection      = taskCopy(2)
	FaceSwapDetection     = taskCopy(3)
	ImageForgeryDetection = taskCopy(4)
	DocumentIntelligence  = taskCopy(5)
	FaceLivenessDetection = taskCopy(6)
	FaceIntelligence      = taskCopy(7)
	FaceEmbedding         = taskCopy(8)
	AudioSplitter         = taskCopy(9)
	EKYCDeepfake          = taskCopy(10)
)

// TaskTypes returns every task type, ordered by ID. The slice and its
// MIMETypes are copies: changing them does not change the package's table.
func TaskTypes() []TaskType {
	all := make([]TaskType, len(taskTable))
	for i := range all {
		all[i] = taskCopy(i)
	}
	return all
}

// ParseTaskType finds a task type by its ID ("1"), slug
// ("ai-image-detection") or model code ("AC-1"), ignoring case and
// surrounding space. An unknown name is an error matching
// ErrInvalidTaskType.
func ParseTaskType(s string) (TaskType, error) {
	k := strings.TrimSpace(s)
	if k != "" {
		id, idErr := strconv.Atoi(k)
		for i, t := range taskTable {
			if (idErr == nil && id == t.ID) || strings.EqualFold(k, t.Slug) || strings.EqualFold(k, t.Model) {
				return taskCopy(i), nil
			}
		}
	}
	return TaskType{}, fmt.Errorf("%w: %q is not a task type ID, slug or model code", ErrInvalidTaskType, truncate(s, 64))
}

// known reports whether t is one of the platform's task types, with the
// values of the table (a zero or hand-made TaskType is not).
func (t TaskType) known() bool {
	_, ok := t.entry()
	return ok
}

// entry returns the SDK's own table entry for t, if t is one of the
// platform's task types.
func (t TaskType) entry() (*TaskType, bool) {
	for i := range taskTable {
		if k := &taskTable[i]; k.ID == t.ID && k.Slug == t.Slug {
			return k, true
		}
	}
	return nil, false
}

// mimeTypes returns the content types t accepts: the SDK's own list for a
// platform task type, whatever was written into t.MIMETypes since.
func (t TaskType) mimeTypes() []string {
	if k, ok := t.entry(); ok {
		return k.MIMETypes
	}
	return t.MIMETypes
}

// mediaTypes maps file extensions to the content type sent on the wire.
// It covers every format of every task type, plus common formats that no
// task accepts, so that the error can name what the file is.
var mediaTypes = map[string]string{
	".jpg": mimeJPEG, ".jpeg": mimeJPEG, ".jpe": mimeJPEG, ".jfif": mimeJPEG,
	".png": mimePNG,
	".mp4": mimeMP4,
	".mov": mimeMOV, ".qt": mimeMOV,
	".webm": mimeWebM,
	".mp3":  mimeMP3,
	".wav":  mimeWAV, ".wave": mimeWAV,
	".m4a": mimeM4A,
	".pdf": mimePDF,
	// Known, but accepted by no task type.
	".gif": "image/gif", ".webp": "image/webp", ".bmp": "image/bmp", ".tif": "image/tiff",
	".tiff": "image/tiff", ".heic": "image/heic", ".heif": "image/heif", ".svg": "image/svg+xml",
	".avi": "video/x-msvideo", ".mkv": "video/x-matroska", ".m4v": "video/x-m4v", ".3gp": "video/3gpp",
	".flac": "audio/flac", ".ogg": "audio/ogg", ".aac": "audio/aac", ".txt": "text/plain",
}

// mimeAliases maps content types that mean the same format onto the
// spelling in the task table.
var mimeAliases = map[string]string{
	"image/jpg": mimeJPEG, "image/pjpeg": mimeJPEG,
	"audio/x-wav": mimeWAV, "audio/wave": mimeWAV, "audio/vnd.wave": mimeWAV,
	"audio/mp3": mimeMP3, "audio/x-m4a": mimeM4A, "audio/m4a": mimeM4A,
	"application/x-pdf": mimePDF,
}

// ContentTypeFor returns the content type the SDK sends for a file name,
// judged by its extension, or "" when the extension is unknown.
func ContentTypeFor(name string) string {
	return mediaTypes[strings.ToLower(filepath.Ext(name))]
}

func canonicalMIME(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	if a, ok := mimeAliases[ct]; ok {
		return a
	}
	return ct
}
