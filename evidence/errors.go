package evidence

import "errors"

// ErrNoFFmpeg is returned (wrapped) by AnnotateVideo when the ffmpeg
// program cannot be found: annotating a video needs ffmpeg on PATH (or
// Options.FFmpeg naming it).
var ErrNoFFmpeg = errors.New("evidence: ffmpeg is needed to annotate a video and was not found on PATH; install ffmpeg (e.g. apt-get install ffmpeg, brew install ffmpeg)")
