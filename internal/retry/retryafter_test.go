package retry

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"0", 0, true},
		{"3600", time.Hour, true},
		{"007", 7 * time.Second, true},
		{"9223372036", 9223372036 * time.Second, true},
		{"9223372037", maxDuration, true},
		{"99999999999999999999999999", maxDuration, true},
		{"", 0, false},
		{"   ", 0, false},
		{"-1", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Format(http.TimeFormat), 0, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Wednesday, 02-Jan-30 03:05:05 GMT", time.Minute, true}, // RFC 850
		{"Wed Jan  2 03:06:05 2030", 2 * time.Minute, true},      // ANSI C
		{"Wed, 02 Jan 2030 25:00:00 GMT", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.in, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRetryAfterOnlyOn429And503(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		resp *http.Response
		want time.Duration
		ok   bool
	}{
		{nil, 0, false},
		{response(429, "7"), 7 * time.Second, true},
		{response(503, "7"), 7 * time.Second, true},
		{response(429, ""), 0, false},
		{response(500, "7"), 0, false},
		{response(502, "7"), 0, false},
		{response(301, "7"), 0, false},
		{response(200, "7"), 0, false},
	}
	for _, tt := range tests {
		name := "nil"
		if tt.resp != nil {
			name = http.StatusText(tt.resp.StatusCode)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ok := RetryAfter(tt.resp, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
