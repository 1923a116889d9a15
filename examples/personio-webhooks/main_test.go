package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// The program starts and stops a fake server, an HTTPS endpoint and a tracker: none may
// leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// sections splits the output into its "== heading" sections, each with the first two
// words (kind and id) of its change lines.
func sections(out string) map[string][]string {
	got := map[string][]string{}
	heading := ""
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		if h, ok := strings.CutPrefix(line, "== "); ok {
			heading = strings.SplitN(h, ":", 2)[0]
			got[heading] = []string{}
			continue
		}
		f := strings.Fields(line)
		desc := f[0] + " " + f[1]
		if f[0] == "left" {
			desc += " " + f[len(f)-1]
		}
		if f[0] == "moved" || f[0] == "changed" {
			desc += " " + f[4] // the first changed field
		}
		got[heading] = append(got[heading], desc)
	}
	return got
}

// Every change shows up under the step that made it, the job change only under the
// reconciliation.
func TestPersonioWebhooks(t *testing.T) {
	t.Parallel()
	for _, people := range []int{cli.SampleSize, 40} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{"-people", strconv.Itoa(people)}, &out, &errOut); err != nil {
			t.Fatalf("run: %v\nstderr: %s", err, errOut.String())
		}
		c := fakecompany.Generate(cli.SampleSeed, people, nil)
		steps := sampleChanges(c)
		newID := strconv.Itoa(c.People[len(c.People)-1].ID + 1) // Hire's next id, before any change
		// The same picks as the program's, by replaying its changes on a copy.
		ids := map[string]int{}
		for _, st := range steps[1:] {
			before := c.Clone()
			if err := st.change(c); err != nil {
				t.Fatal(err)
			}
			ids[strings.SplitN(st.what, ":", 2)[0]] = changed(before, c)
		}
		want := map[string][]string{
			"hire":           {"joined " + newID},
			"rename":         {"changed " + strconv.Itoa(ids["rename"]) + " first_name"},
			"job change":     {},
			"termination":    {"left " + strconv.Itoa(ids["termination"]) + " (deactivated)"},
			"deleted record": {"left " + strconv.Itoa(ids["deleted record"]) + " (removed)"},
			"reconciliation (a full listing compared with the tracker's state)": {"moved " + strconv.Itoa(ids["job change"]) + " title"},
		}
		if diff := cmp.Diff(want, sections(out.String())); diff != "" {
			t.Errorf("%d people: output (-want +got):\n%s\n%s", people, diff, out.String())
		}
		if !strings.Contains(errOut.String(), "read "+strconv.Itoa(people)+" people") {
			t.Errorf("stderr %q", errOut.String())
		}
		if strings.Contains(out.String()+errOut.String(), "Bearer ") {
			t.Error("the output shows the webhook token")
		}
	}
}

// changed returns the id of the one person whose record differs between the companies.
func changed(before, after *personiotest.Company) int {
	for _, p := range before.People {
		q := after.Person(p.ID)
		if q == nil || q.FirstName != p.FirstName || q.Position != p.Position || q.Status != p.Status {
			return p.ID
		}
	}
	return 0
}

// failingWriter accepts limit bytes, then fails every write, as stdout redirected to
// /dev/full does.
type failingWriter struct {
	mu       sync.Mutex
	limit, n int
}

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n+len(p) > w.limit {
		k := w.limit - w.n
		w.n = w.limit
		return k, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

// What goes wrong: the exit code and the one message the program prints.
func TestPersonioWebhooksErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		args   []string
		stdout io.Writer
		code   int
		msg    string // the start of what is printed
	}{
		{name: "help", args: []string{"-h"}, code: cli.ExitOK},
		{name: "too few people", args: []string{"-people", "5"}, code: cli.ExitUsage,
			msg: "personio-webhooks: -people 5: want 10 to 100000 (the fake holds the generated company in memory)\nRun 'personio-webhooks -h' for usage.\n"},
		{name: "too many people", args: []string{"-people", "100000000"}, code: cli.ExitUsage, msg: "personio-webhooks: -people 100000000: want 10 to 100000"},
		{name: "stray argument", args: []string{"extra"}, code: cli.ExitUsage, msg: `personio-webhooks: unexpected arguments ["extra"]`},
		{name: "full disk", stdout: &failingWriter{}, code: cli.ExitFailure, msg: "personio-webhooks: writing the output: no space left on device\n"},
		{name: "full disk later", stdout: &failingWriter{limit: 60}, code: cli.ExitFailure, msg: "personio-webhooks: writing the output: no space left on device\n"},
		{name: "interrupted", ctx: cancelled, code: cli.ExitInterrupted, msg: "personio-webhooks: interrupted\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, stdout := tc.ctx, tc.stdout
			if ctx == nil {
				ctx = context.Background()
			}
			if stdout == nil {
				stdout = io.Discard
			}
			var report strings.Builder
			code := cli.Report(&report, "personio-webhooks", run(ctx, tc.args, stdout, io.Discard))
			if code != tc.code {
				t.Errorf("exit code %d, want %d (%s)", code, tc.code, report.String())
			}
			if !strings.HasPrefix(report.String(), tc.msg) {
				t.Errorf("message %q, want it to start with %q", report.String(), tc.msg)
			}
		})
	}
}
