package authenta

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// EnrollError leaves the process as the other errors do (see errjson.go
// and output.go): its redacted, one-line text for every fmt verb, redacted
// fields for %#v, slog and JSON (camelCase), whether the SDK made it or a
// test double built it by hand.

// Format prints Error() for every verb; %#v shows the fields, redacted.
func (e EnrollError) Format(f fmt.State, verb rune) {
	formatError(f, verb, &e, func() string {
		return fmt.Sprintf("&authenta.EnrollError{SubjectID:%q, FaceID:%q, Name:%q, Reason:%q, Failed:%d}",
			oneLine(e.subjectID(), maxRequestIDLen), oneLine(e.FaceID, maxRequestIDLen), scrubLine(e.Name, 4*maxFaceName), scrubLine(e.Reason, maxMessageLen), e.Failed)
	})
}

// LogValue logs the subject and face ids, the face's name, the server's
// reason (redacted) and the count of failed faces.
func (e EnrollError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("subjectId", oneLine(e.subjectID(), maxRequestIDLen)),
		slog.String("faceId", oneLine(e.FaceID, maxRequestIDLen)),
		slog.String("name", scrubLine(e.Name, 4*maxFaceName)),
		slog.String("reason", scrubLine(e.Reason, maxMessageLen)),
		slog.Int("failed", e.Failed),
	)
}

// MarshalJSON writes the subject and face ids, the face's name, the
// server's reason, the count of failed faces and the error's text, URL
// query strings redacted.
func (e EnrollError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		SubjectID string `json:"subjectId,omitempty"`
		FaceID    string `json:"faceId,omitempty"`
		Name      string `json:"name,omitempty"`
		Reason    string `json:"reason,omitempty"`
		Failed    int    `json:"failed"`
		Error     string `json:"error"`
	}{oneLine(e.subjectID(), maxRequestIDLen), oneLine(e.FaceID, maxRequestIDLen), scrubLine(e.Name, 4*maxFaceName), scrubLine(e.Reason, maxMessageLen), e.Failed, (&e).Error()})
}

func (e *EnrollError) subjectID() string {
	if e.Subject == nil {
		return ""
	}
	return e.Subject.ID
}
