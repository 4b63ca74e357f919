package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go/authentatest"
)

func TestFacesCommands(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}

	r := cli(t, env, args(fast, []string{"faces", "enroll", "-wait", "-json", sample("selfie.jpg"), sample("reference.jpg")})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	var sub subjectView
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &sub), r.stdout)
	require.NotEmpty(t, sub.SubjectID)
	require.Len(t, sub.Faces, 2)
	for _, f := range sub.Faces {
		assert.Equal(t, "processed", string(f.Status))
	}
	assert.NotContains(t, r.stdout, srv.StorageURL, "no presigned URL is printed")

	r = cli(t, env, "faces", "subjects")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, sub.SubjectID)
	assert.Contains(t, r.stdout, "selfie.jpg")

	r = cli(t, env, "faces", "search", "-json", "-limit", "5", sample("selfie.jpg"))
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.NotEmpty(t, lines)
	var best matchView
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &best))
	assert.Equal(t, 1, best.Rank)
	assert.Equal(t, sub.SubjectID, best.SubjectID)
	assert.NotContains(t, r.stdout, srv.StorageURL)

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
