package authenta

import "strings"

// Status is a job's state, normalised from the many spellings the service
// uses (wire reference §1.11).
type Status string

// The normalised job states.
const (
	StatusPending    Status = "pending"    // created; waiting for uploads and finalize
	StatusQueued     Status = "queued"     // finalized; waiting for a worker
	StatusProcessing Status = "processing" // a worker has it
	StatusCompleted  Status = "completed"  // done; the result is ready
	StatusFailed     Status = "failed"     // done without a result; see Job.ErrorMessage
	StatusCancelled  Status = "cancelled"  // cancelled before processing
)

// Terminal reports whether the job will not change state again:
// completed, failed or cancelled. Unknown states are not terminal.
func (s Status) Terminal() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCancelled
}

var statusAliases = map[string]Status{
	"pending": StatusPending, "initiated": StatusPending, "created": StatusPending,
	"waiting_for_finalize": StatusPending, "waiting_for_upload": StatusPending,
	"uploading": StatusPending, "inited": StatusPending, "new": StatusPending,
	"queued": StatusQueued, "uploaded": StatusQueued, "submitted": StatusQueued,
	"processing": StatusProcessing, "running": StatusProcessing, "in_progress": StatusProcessing,
	"completed": StatusCompleted, "processed": StatusCompleted, "succeeded": StatusCompleted,
	"success": StatusCompleted, "done": StatusCompleted,
	"failed": StatusFailed, "error": StatusFailed, "errored": StatusFailed,
	"cancelled": StatusCancelled, "canceled": StatusCancelled,
}

// NormalizeStatus maps a status as the server sent it onto a Status, case
// and separators ignored ("PROCESSED", "in-progress"). An unknown status is
// returned lower-cased: not terminal, and not equal to any constant.
func NormalizeStatus(raw string) Status {
	k := strings.ToLower(strings.TrimSpace(raw))
	if strings.ContainsAny(k, "- ") {
		k = strings.Map(func(r rune) rune {
			if r == '-' || r == ' ' {
				return '_'
			}
			return r
		}, k)
	}
	if s, ok := statusAliases[k]; ok {
		return s
	}
	return Status(k)
}
