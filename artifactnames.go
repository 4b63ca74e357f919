package authenta

import (
	"hash/fnv"
	"strconv"
	"strings"
)

// Bounds of the parts of an artifact's file name, so that the whole stays
// well under the 255 bytes file systems allow.
const (
	maxJobPart  = 64
	maxKindPart = 24
	maxIDPart   = 64
)

// artifactNames returns a file name for each artifact of a job:
// "<job>_<kind>[_<slot>]_<id><ext>", every part sanitised (see namePart),
// unique among the job's artifacts. The job part has no '_', so it ends
// at the first one: two jobs never share a name.
func artifactNames(jobID string, arts []Artifact) []string {
	job := namePart(jobID, maxJobPart, "job", false)
	names := make([]string, len(arts))
	seen := make(map[string]bool, len(arts))
	for i, a := range arts {
		var b strings.Builder
		b.WriteString(job)
		b.WriteByte('_')
		b.WriteString(namePart(a.Kind, maxKindPart, "artifact", true))
		if a.Slot != "" {
			b.WriteByte('_')
			b.WriteString(namePart(a.Slot, maxKindPart, "slot", true))
		}
		b.WriteByte('_')
		if a.ID != "" {
			b.WriteString(namePart(a.ID, maxIDPart, "id", true))
		} else {
			b.WriteString(strconv.Itoa(i + 1))
		}
		stem := b.String()
		name := stem + extensionFor(a.ContentType)
		for n := 2; seen[strings.ToLower(name)]; n++ { // two artifacts that read the same once sanitised
			name = stem + "-" + strconv.Itoa(n) + extensionFor(a.ContentType)
		}
		seen[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// namePart makes server text safe as part of a file name: letters, digits,
// '.', '-' (and '_' when underscore is set; upper case is folded when it is
// not) are kept, anything else (path
// separators, NUL, spaces, non-ASCII) becomes '-', leading dots are
// dropped, and the part is cut to limit bytes. A part that had to change
// gains a hash of the original, so that two different ids never give the
// same part. Empty text gives empty.
func namePart(s string, limit int, empty string, underscore bool) string {
	if s == "" {
		return empty
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z' && !underscore: // the job part: "A1" and "a1" must differ on case-insensitive file systems too
			b.WriteByte(c + 'a' - 'A')
			changed = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_' && underscore:
			b.WriteByte(c)
		case c == '.' && b.Len() > 0:
			b.WriteByte(c)
		default:
			changed = true
			if c != '.' {
				b.WriteByte('-')
			}
		}
	}
	out := b.String()
	if len(out) > limit {
		out, changed = out[:limit], true
	}
	if !changed {
		return out
	}
	if out == "" {
		out = empty
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return out + "-" + strconv.FormatUint(h.Sum64(), 36)
}

// extensionFor returns the file extension for a content type, ".bin" when
// it is unknown.
func extensionFor(contentType string) string {
	switch canonicalMIME(contentType) {
	case mimeJPEG:
		return ".jpg"
	case mimePNG:
		return ".png"
	case mimeMP4:
		return ".mp4"
	case mimeMOV:
		return ".mov"
	case mimeWebM:
		return ".webm"
	case mimeMP3:
		return ".mp3"
	case mimeWAV:
		return ".wav"
	case mimeM4A:
		return ".m4a"
	case mimePDF:
		return ".pdf"
	case "application/json":
		return ".json"
	case "text/plain":
		return ".txt"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ".bin"
}
