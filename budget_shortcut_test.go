package authenta

import (
	"strings"
	"testing"
)

// budgetShortcutSeeds are documents at the edges of jobBudgetSurelyMet:
// real jobs, and items packed as tightly as JSON allows.
func budgetShortcutSeeds() []string {
	many := func(n int, elem string) string { return strings.TrimSuffix(strings.Repeat(elem+",", n), ",") }
	return []string{
		string(budgetBenchBody),
		`{"id":"1","inputs":[` + many(100, "{}") + `]}`,
		`{"id":"1","inputs":[` + many(101, "{}") + `]}`,
		`{"id":"1","inputs":[` + many(101, "1") + `]}`,
		`{"id":"1","artifacts":[` + many(99, "[]") + `]}`,
		`{"job":{"job":{"job":{"job":{"inputs":[` + many(96, "{}") + `]}}}}}`,
		`{"data":{"inputs":{}},"inputs":[{},{}],"artifacts":{}}`,
		`{"id":"1","inputs":"` + many(200, "{}") + `"}`,
		`{"Inputs":[` + many(101, "null") + `]}`,
		`{"inp\u0075ts":[` + many(101, "{}") + `]}`,
		`{"id":"1","artifacts":[` + many(90, `{"a":[1,2]}`) + `]}`,
	}
}

// TestJobBudgetShortcut checks the seeds: the shortcut passes only
// documents the walk passes, and takes the usual job.
func TestJobBudgetShortcut(t *testing.T) {
	t.Parallel()
	for _, doc := range budgetShortcutSeeds() {
		if jobBudgetSurelyMet([]byte(doc)) && scanJobBudget([]byte(doc)) != nil {
			t.Errorf("the shortcut passes %.80q..., which the walk refuses: %v", doc, scanJobBudget([]byte(doc)))
		}
	}
	if !jobBudgetSurelyMet(budgetBenchBody) {
		t.Error("a job as Get returns it takes the walk")
	}
	if jobBudgetSurelyMet([]byte(budgetShortcutSeeds()[2])) {
		t.Error("101 inputs pass the shortcut")
	}
}

// FuzzJobBudgetShortcut checks, on any document, that checkJobBudget
// refuses exactly what the walk refuses.
func FuzzJobBudgetShortcut(f *testing.F) {
	for _, doc := range budgetShortcutSeeds() {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := checkJobBudget(b), scanJobBudget(b); (got == nil) != (want == nil) {
			t.Fatalf("checkJobBudget(%.80q...) = %v, the walk says %v", b, got, want)
		}
	})
}
