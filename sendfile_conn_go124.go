//go:build !go1.25

package authenta

// netSendfileTakesConn: before Go 1.25, net's sendfile path takes an
// *os.File body only, so a progressFile would be read, not sent by the
// kernel; uploads with progress then read through a counting reader.
const netSendfileTakesConn = false
