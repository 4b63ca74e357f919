//go:build go1.25

package authenta

// netSendfileTakesConn: from Go 1.25, net's sendfile path takes any body
// reader that is a syscall.Conn (as progressFile is), not only an *os.File.
const netSendfileTakesConn = true
