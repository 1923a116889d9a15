package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// resumeState is what the resume file records after each page but the last.
type resumeState struct {
	Version  int    `json:"version"`
	Provider string `json:"provider"`
	Format   string `json:"format"`
	// Output is the absolute path of the output file.
	Output string         `json:"output"`
	Filter unified.Filter `json:"filter,omitzero"`
	// Cursor reads the next page; Offset is the output's length after the last page.
	Cursor string `json:"cursor"`
	Offset int64  `json:"offset"`
	Users  int    `json:"users"`
	Pages  int    `json:"pages"`
}

// resumeVersion is the version of the resume file's format (2 added the filter).
const resumeVersion = 2

// maxResumeSize bounds the resume file read: a state with a cursor of the longest kind
// (4 KiB) and a filter is a few KiB.
const maxResumeSize = 64 << 10

// resumeErrorf returns the usage error of a resume file that cannot be used.
func resumeErrorf(path, format string, args ...any) error {
	return cli.Usagef("resume file %s: %s; delete it to start over", path, fmt.Sprintf(format, args...))
}

// loadResume reads and checks the resume file; nil when there is none.
func loadResume(path string) (*resumeState, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxResumeSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResumeSize {
		return nil, resumeErrorf(path, "not a resume file of this program (larger than %d KiB)", maxResumeSize>>10)
	}
	var st resumeState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, resumeErrorf(path, "not a resume file of this program (%v)", err)
	}
	switch {
	case st.Version != resumeVersion:
		return nil, resumeErrorf(path, "format version %d, this program reads version %d", st.Version, resumeVersion)
	case st.Provider == "" || st.Cursor == "" || st.Output == "" || !filepath.IsAbs(st.Output) ||
		st.Format != "csv" && st.Format != "jsonl" || st.Offset <= 0 || st.Users < 0 || st.Pages < 1:
		return nil, resumeErrorf(path, "not a resume file of this program (a field is missing or out of range)")
	}
	return &st, nil
}

// check reports whether st belongs to the export cfg asks for, and whether the output
// file still holds what st records: it is at least st.Offset long and starts with the
// header of st's format (for JSON Lines, one naming the provider and filter). It reads
// the output and writes nothing.
func (st *resumeState) check(provider string, cfg *config) error {
	abs, err := filepath.Abs(cfg.out)
	if err != nil {
		return err
	}
	if st.Provider != provider || st.Format != cfg.format || st.Output != abs {
		return resumeErrorf(cfg.resumeFile, "it records a %s export of %s to %s, not a %s export of %s to %s",
			st.Format, st.Provider, st.Output, cfg.format, provider, abs)
	}
	if st.Filter.Fingerprint() != cfg.filter.Fingerprint() {
		return resumeErrorf(cfg.resumeFile, "it records an export with %s, not with %s", describeFilter(st.Filter), describeFilter(cfg.filter))
	}
	f, err := os.Open(cfg.out)
	if err != nil {
		return resumeErrorf(cfg.resumeFile, "the output it records cannot be read (%v)", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < st.Offset {
		return resumeErrorf(cfg.resumeFile, "%s is shorter (%d bytes) than it records (%d)", cfg.out, fi.Size(), st.Offset)
	}
	head := io.LimitReader(f, st.Offset)
	if st.Format == "jsonl" {
		h, err := snapshot.NewReader(head).Header()
		if err != nil || h == nil || h.Provider != st.Provider || h.Filter.Fingerprint() != st.Filter.Fingerprint() {
			return resumeErrorf(cfg.resumeFile, "%s does not start with the snapshot header of this export", cfg.out)
		}
		return nil
	}
	line, err := bufio.NewReader(head).ReadString('\n')
	if err != nil || line != strings.Join(csvHeader, ",")+"\n" {
		return resumeErrorf(cfg.resumeFile, "%s does not start with the header of this program's CSV", cfg.out)
	}
	return nil
}

// describeFilter says what the export's filter flags selected.
func describeFilter(f unified.Filter) string {
	var parts []string
	if len(f.Statuses) > 0 {
		var s []string
		for _, st := range f.Statuses {
			s = append(s, st.String())
		}
		parts = append(parts, "-status "+strings.Join(s, ","))
	}
	if len(f.Departments) > 0 {
		parts = append(parts, fmt.Sprintf("-department %q", strings.Join(f.Departments, ",")))
	}
	switch {
	case len(parts) > 0:
		return strings.Join(parts, " ")
	case f.IsZero():
		return "no filter"
	}
	return "another filter"
}

// save writes st to path atomically (a temporary file renamed over it).
func (st *resumeState) save(path string) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
