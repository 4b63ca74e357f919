// Package evidence draws what a human reviewer looks at: every identity's
// box and label ("#0 fake 97%", "#1 real 88%", "#2 unknown") on the image
// that was analysed, coloured by verdict (fake red, real green, unknown
// amber), and, for a video, the annotated frames that have boxes.
//
// The identities come from a result (authenta.Result.Identities); their
// boxes are in full-resolution pixels of the analysed media, measured from
// its top-left corner. Boxes that fall partly outside the image are clipped
// (an edge outside the image is not drawn); empty, inverted-to-nothing or
// wholly outside boxes are skipped. Nothing in the input can make the
// drawing panic.
//
// Stills need only the standard library's image packages (and fonts from
// golang.org/x/image): Annotate, AnnotateFrame and AnnotateFile. Videos need
// the ffmpeg program: AnnotateVideo writes the annotated frames that have
// boxes, AnnotateVideoFile an annotated copy of the whole video. Both look
// ffmpeg up on PATH and return an error matching ErrNoFFmpeg where it is
// missing.
//
// This package is separate from package authenta so that the SDK itself
// does not import image-drawing code.
package evidence
