// Package fsopen opens the files the SDK reads (inputs, face photos,
// evidence images) so that a FIFO or other special file named like one
// cannot block the caller in open(2), where no context reaches.
package fsopen
