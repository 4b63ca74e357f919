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
// case-insensitive.
func (t TaskType) Accepts(contentType string) bool {
	ct := canonicalMIME(contentType)
	return slices.Contains(t.MIMETypes, ct)
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

var (
	imageTypes = []string{mimeJPEG, mimePNG}
	audioTypes = []string{mimeMP3, mimeWAV, mimeM4A}
	videoTypes = []string{mimeMP4, mimeMOV, mimeWebM}
)

// The platform's task types (wire reference §1.13).
var (
	AIImageDetection      = TaskType{1, "ai-image-detection", "AC-1", "AI Image Detector", imageTypes, 5 * time.Minute}
	AIAudioDetection      = TaskType{2, "ai-audio-detection", "AF-1", "AI Audio Detector", audioTypes, 10 * time.Minute}
	AIVideoDetection      = TaskType{3, "ai-video-detection", "VF-1", "AI Video Detector", []string{mimeMP4, mimeMOV}, 10 * time.Minute}
	FaceSwapDetection     = TaskType{4, "faceswap-detection", "DF-1", "Face Swap Detection", videoTypes, 30 * time.Minute}
	ImageForgeryDetection = TaskType{5, "image-forgery-detection", "FD-1", "Image Forgery Detection", imageTypes, 5 * time.Minute}
	DocumentIntelligence  = TaskType{6, "document-intelligence", "DI-1", "Document Intelligence", []string{mimeJPEG, mimePNG, mimePDF}, 5 * time.Minute}
	FaceLivenessDetection = TaskType{7, "face-liveness-detection", "FL-1", "Face Liveness Detection", imageTypes, 10 * time.Minute}
	FaceIntelligence      = TaskType{8, "face-intelligence", "FI-1", "Face Intelligence", []string{mimeJPEG, mimePNG, mimeMP4, mimeWebM, mimeMOV}, 10 * time.Minute}
	FaceEmbedding         = TaskType{9, "face-embedding", "FE-1", "Face Embedding", imageTypes, 10 * time.Minute}
	AudioSplitter         = TaskType{10, "audio-splitter", "AS-1", "Audio Splitter", audioTypes, 10 * time.Minute}
	EKYCDeepfake          = TaskType{11, "ekyc-deepfake", "ED-1", "EKYC Deepfakes", videoTypes, 10 * time.Minute}
)

// taskTable is every task type, ordered by ID, sharing the package's MIME
// type lists: callers only read them.
func taskTable() [11]TaskType {
	return [...]TaskType{
		AIImageDetection, AIAudioDetection, AIVideoDetection, FaceSwapDetection,
		ImageForgeryDetection, DocumentIntelligence, FaceLivenessDetection,
		FaceIntelligence, FaceEmbedding, AudioSplitter, EKYCDeepfake,
	}
}

// TaskTypes returns every task type, ordered by ID. The slice and its
// MIMETypes are copies: changing them does not change the package's table.
func TaskTypes() []TaskType {
	table := taskTable()
	all := table[:]
	for i := range all {
		all[i].MIMETypes = slices.Clone(all[i].MIMETypes)
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
		for _, t := range TaskTypes() {
			if (idErr == nil && id == t.ID) || strings.EqualFold(k, t.Slug) || strings.EqualFold(k, t.Model) {
				return t, nil
			}
		}
	}
	return TaskType{}, fmt.Errorf("%w: %q is not a task type ID, slug or model code", ErrInvalidTaskType, truncate(s, 64))
}

// known reports whether t is one of the platform's task types, with the
// values of the table (a zero or hand-made TaskType is not).
func (t TaskType) known() bool {
	for _, k := range taskTable() { // no copies of the MIME lists: only read
		if k.ID == t.ID && k.Slug == t.Slug {
			return true
		}
	}
	return false
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
