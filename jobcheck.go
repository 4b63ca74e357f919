package authenta

import (
	"bytes"
	"encoding/json"
)

// jobChecked takes a job document that nobody reads (Detect's finalize
// answer without DetectOptions.OnFinalized) and fails where Job's decoder
// would: a document over the decoder's budget, one that is not JSON, or
// whose top level is neither an object nor null. Job's decoder accepts
// every other document, whatever its fields hold (see Job.decode), so
// nothing more is decoded or kept.
type jobChecked struct{}

func (jobChecked) decodeOwned(b []byte) error {
	if err := checkJobBudget(b); err != nil {
		return err
	}
	// One scan: what the decoder accepts is valid JSON whose top level is
	// an object or null. Anything else is decoded for the decoder's own
	// error.
	if json.Valid(b) {
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == 'n') {
			return nil
		}
	}
	var none struct{}
	return json.Unmarshal(b, &none)
}
