package authenta_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestEnrollErrorLeavesNoSecret: an *EnrollError, as the SDK returns it
// or as a user's test double builds it (its Reason holding a presigned URL,
// its Name a newline), leaves the process redacted and on one
// line every way the other error types do: every fmt verb, slog (JSON and
// text, as an error and as a value), and json.Marshal with camelCase keys.
func TestEnrollErrorLeavesNoSecret(t *testing.T) {
	t.Parallel()
	u := "https://bucket.s3.test/faces/f1?" + presignQuery
	face := authenta.Face{ID: "f1", Name: "a.jpg", Status: authenta.FaceFailed, Error: "see " + u, ImageURL: u}
	e := &authenta.EnrollError{Subject: &authenta.Subject{ID: "s1", Faces: []authenta.Face{face}}, FaceID: "f1",
		Name: "a\n.jpg", Reason: "no_face_detected at " + u, Failed: 2}
	require.ErrorIs(t, e, authenta.ErrEnrollFailed)
	secrets := presignSecrets
	check := func(what, s string) {
		t.Helper()
		for _, sec := range secrets {
			assert.NotContains(t, s, sec, "%s: %s", what, s)
		}
	}
	for _, v := range []any{e, *e, fmt.Errorf("handler: %w", e)} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out := fmt.Sprintf(verb, v)
			check(verb, out)
			assert.NotContains(t, out, "\n", "%s: one line: %s", verb, out)
		}
	}
	assert.Contains(t, fmt.Sprintf("%v", *e), "face f1", "%v prints the error")

	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(h(&buf)).Error("enrol", "err", e, "value", *e, "ptr", any(e))
		check("slog", buf.String())
		assert.Equal(t, 1, strings.Count(buf.String(), "\n"), "one record, one line: %s", buf.String())
	}

	for _, v := range []any{e, *e} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		check("json", string(b))
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		for k := range m {
			assert.Regexp(t, `^[a-z][A-Za-z]*$`, k, "camelCase key")
		}
		assert.Equal(t, "s1", m["subjectId"])
		assert.Equal(t, "f1", m["faceId"])
		assert.EqualValues(t, 2, m["failed"])
		assert.Contains(t, m["error"], "no_face_detected")
	}
	var target *authenta.EnrollError
	assert.True(t, errors.As(fmt.Errorf("w: %w", e), &target))
}
