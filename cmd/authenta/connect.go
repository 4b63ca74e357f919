package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// userAgent names the command line in every request.
const userAgent = "authenta-cli"

// connect returns a client for the real service, configured from the
// environment only, or with -offline one for the embedded fake platform,
// started here and stopped by the returned function. It says on stderr
// when the fake is in use, so that no one mistakes its verdicts for real
// ones.
func (a *app) connect() (*authenta.Client, func(), error) {
	opts := []authenta.Option{authenta.WithUserAgent(userAgent)}
	if a.verbose {
		opts = append(opts, authenta.WithLogger(slog.New(slog.NewTextHandler(stderrWriter{a}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if a.offline {
		srv, err := authentatest.Start(authentatest.WithJobHook(offlineVerdicts))
		if err != nil {
			return nil, nil, fmt.Errorf("start the embedded fake platform: %w", err)
		}
		a.note("-offline: using the embedded fake platform at %s (simulated results: a file whose name contains \"fake\" is judged fake; no credits spent)", srv.URL)
		c, err := srv.NewClient(opts...)
		if err != nil {
			srv.Close()
			return nil, nil, err
		}
		return c, func() { closeClient(c); srv.Close() }, nil
	}
	key := a.getenv(authenta.EnvAPIKey)
	if strings.TrimSpace(key) == "" {
		return nil, nil, usagef("set $%s to your API key (or use -offline to try the embedded fake platform)", authenta.EnvAPIKey)
	}
	opts = append(opts, authenta.WithoutEnvironment(), authenta.WithAPIKey(key))
	if base := strings.TrimSpace(a.getenv(authenta.EnvBaseURL)); base != "" {
		opts = append(opts, authenta.WithBaseURL(base))
	}
	c, err := authenta.NewClient(opts...)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	return c, func() { closeClient(c) }, nil
}

// closeClient waits (a little) for the removals of half-made jobs that
// interrupted calls left running in the background.
func closeClient(c *authenta.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = c.Close(ctx)
}

// offlineVerdicts makes the embedded fake judge a file fake when its name
// says "fake", so that -offline shows both verdicts (and exit status 3).
func offlineVerdicts(j *authentatest.JobConfig) {
	fake := false
	for _, in := range j.Inputs {
		if in.Slot == authenta.SlotOriginal && strings.Contains(strings.ToLower(in.FileName), "fake") {
			fake = true
		}
	}
	if !fake {
		return
	}
	var doc map[string]any
	if json.Unmarshal(j.Result, &doc) != nil {
		return
	}
	set := func(k string, v any) {
		if _, ok := doc[k]; ok {
			doc[k] = v
		}
	}
	set("isDeepFake", true)
	set("fake", true)
	set("isFake", true)
	set("isAIGenerated", true)
	set("RealConfidencePercent", 2.7)
	set("realConfidencePercent", 2.7)
	set("isLiveness", false)
	set("isSpoof", true)
	if ids, ok := doc["identityPredictions"].([]any); ok {
		for _, id := range ids {
			if m, ok := id.(map[string]any); ok {
				m["isDeepFake"] = true
			}
		}
	}
	if b, err := json.Marshal(doc); err == nil {
		j.Result = b
	}
}
