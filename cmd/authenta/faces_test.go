package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go/authentatest"
)

// What faces -json prints (the SDK's Subject and Match JSON), in part.
type subjectJSON struct {
	ID    string `json:"id"`
	Faces []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"faces"`
}

type matchJSON struct {
	Rank      int    `json:"rank"`
	SubjectID string `json:"subjectId"`
}

func TestFacesCommands(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}

	r := cli(t, env, args(fast, []string{"faces", "enroll", "-wait", "-json", sample("selfie.jpg"), sample("reference.jpg")})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	var sub subjectJSON
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &sub), r.stdout)
	require.NotEmpty(t, sub.ID)
	require.Len(t, sub.Faces, 2)
	for _, f := range sub.Faces {
		assert.Equal(t, "processed", string(f.Status))
	}
	assert.NotContains(t, r.stdout, "X-Amz-Signature=", "no presigned URL is printed")

	r = cli(t, env, "faces", "subjects")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, sub.ID)
	assert.Contains(t, r.stdout, "selfie.jpg")

	r = cli(t, env, "faces", "search", "-json", "-limit", "5", sample("selfie.jpg"))
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.NotEmpty(t, lines)
	var best matchJSON
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &best))
	assert.Equal(t, 1, best.Rank)
	assert.Equal(t, sub.ID, best.SubjectID)
	assert.NotContains(t, r.stdout, "X-Amz-Signature=")

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"enroll nothing", []string{"faces", "enroll"}},
		{"enroll eleven", append([]string{"faces", "enroll"}, strings.Fields(strings.Repeat(sample("selfie.jpg")+" ", 11))...)},
		{"enroll a missing file", []string{"faces", "enroll", "nope.jpg"}},
		{"enroll a text file", []string{"faces", "enroll", sample("notes.txt")}},
		{"search two", []string{"faces", "search", sample("selfie.jpg"), sample("selfie.jpg")}},
		{"search limit", []string{"faces", "search", "-limit", "0", sample("selfie.jpg")}},
		{"unknown", []string{"faces", "frob"}},
	} {
		r := cli(t, env, tc.args...)
		assert.Equal(t, exitUsage, r.code, "%s: %s", tc.name, r.stderr)
		assert.Empty(t, r.stdout, tc.name)
	}
}
