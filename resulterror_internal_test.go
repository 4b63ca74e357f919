package authenta

import "testing"

// TestResultFailureWithoutFields: a document with none of "error",
// "message" and "errorMessage" reports no failure; resultFailure says so
// without reading them (and allocating), so readFailure must agree.
func TestResultFailureWithoutFields(t *testing.T) {
	t.Parallel()
	if _, ok := readFailure(nil, nil, nil); ok {
		t.Fatal("readFailure reports a failure with no field: resultFailure's shortcut would hide it")
	}
	if e, ok := resultFailure(nil, nil, nil); ok || e != nil {
		t.Fatalf("resultFailure(nil, nil, nil) = %v, %v", e, ok)
	}
	if _, ok := resultFailure(nil, []byte(`"no face"`), []byte(`"no face"`)); !ok {
		t.Fatal("a message with errorMessage is still a failure")
	}
}
