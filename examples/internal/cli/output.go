package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Output is a program's output, stdout or a file, written through a buffer. After the
// first failed write it writes nothing more and every Write returns that error; Close
// flushes the buffer, closes the file and returns the first error, naming the output.
// So a program writes freely and checks once, at the end:
//
//	out := cli.NewOutput(stdout)
//	fmt.Fprintln(out, ...)
//	return out.Close() // "writing the output: write /dev/stdout: no space left on device"
type Output struct {
	name string
	bw   *bufio.Writer
	f    *os.File // nil for stdout
}

// NewOutput returns an Output writing to w (stdout).
func NewOutput(w io.Writer) *Output {
	return &Output{name: "the output", bw: bufio.NewWriter(w)}
}

// CreateOutput creates (or truncates) the file at path and returns an Output writing to
// it.
func CreateOutput(path string) (*Output, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &Output{name: path, bw: bufio.NewWriter(f), f: f}, nil
}

// Write writes p to the buffer; it fails once a write to the output has failed.
func (o *Output) Write(p []byte) (int, error) {
	n, err := o.bw.Write(p)
	if err != nil {
		return n, o.wrap(err)
	}
	return n, nil
}

// Close flushes the buffer and closes the file, and returns the first error of any
// write, of the flush or of the close. It may be called again; later calls flush
// nothing and return nil unless the first failed.
func (o *Output) Close() error {
	err := o.bw.Flush()
	if o.f != nil {
		err = errors.Join(err, o.f.Close())
		o.f = nil
	}
	if err != nil {
		return o.wrap(err)
	}
	return nil
}

func (o *Output) wrap(err error) error {
	return fmt.Errorf("writing %s: %w", o.name, err)
}
