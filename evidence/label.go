package evidence

import (
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode"

	authenta "github.com/phospheneai/authenta-go"
)

// The verdict colours: fake red, real green, unknown amber.
var (
	colorFake    = color.RGBA{R: 220, G: 38, B: 38, A: 255}
	colorReal    = color.RGBA{R: 22, G: 163, B: 74, A: 255}
	colorUnknown = color.RGBA{R: 245, G: 158, B: 11, A: 255}
)

// verdictColor is the box colour for v, and the colour of text drawn on it.
func verdictColor(v authenta.Verdict) (box, text color.RGBA) {
	switch v {
	case authenta.VerdictFake:
		return colorFake, color.RGBA{R: 255, G: 255, B: 255, A: 255}
	case authenta.VerdictReal:
		return colorReal, color.RGBA{R: 255, G: 255, B: 255, A: 255}
	default:
		return colorUnknown, color.RGBA{A: 255}
	}
}

// classVerdict reads the verdict a model's class label means, Unknown when
// the label is empty or not one it knows.
func classVerdict(class string) authenta.Verdict {
	switch strings.ToLower(strings.TrimSpace(class)) {
	case "fake", "deepfake", "deep-fake", "deep_fake", "manipulated", "synthetic",
		"swapped", "faceswap", "face-swap", "face_swap", "spoof", "spoofed",
		"forged", "tampered", "ai-generated", "ai_generated":
		return authenta.VerdictFake
	case "real", "live", "genuine", "authentic", "bonafide", "bona-fide", "bona_fide",
		"pristine", "original":
		return authenta.VerdictReal
	}
	return authenta.VerdictUnknown
}

// mark is what is drawn for one box: its label and its verdict.
type mark struct {
	text    string
	verdict authenta.Verdict
}

// markFor resolves the label of one box of an identity. A class and
// confidence given for the frame win over the identity's. The colour
// follows the class shown when the class names a verdict, so that words and
// colour never disagree; otherwise IsDeepFake decides it.
func markFor(id *authenta.Identity, b *authenta.FrameBox) mark {
	class, conf := id.Class, id.Confidence
	if strings.TrimSpace(b.Class) != "" {
		class = b.Class
	}
	if b.Confidence != nil {
		conf = b.Confidence
	}
	v := classVerdict(class)
	if v == authenta.VerdictUnknown && id.IsDeepFake != nil {
		v = authenta.VerdictReal
		if *id.IsDeepFake {
			v = authenta.VerdictFake
		}
	}
	word := clean(class, maxClassRunes)
	if word == "" {
		word = string(v)
	}
	text := "#" + clean(id.ID, maxIDRunes) + " " + word
	if conf != nil && *conf >= 0 && *conf <= 1 { // NaN fails both
		text += " " + strconv.Itoa(int(math.Round(*conf*100))) + "%"
	}
	return mark{text: text, verdict: v}
}

const (
	maxIDRunes    = 16
	maxClassRunes = 24
	maxTitleRunes = 80
)

// clean keeps s printable and short: the server's strings are drawn as
// they came, but a hostile one cannot make a label of unbounded width.
func clean(s string, max int) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		if !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
