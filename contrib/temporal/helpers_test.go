package temporalsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

const tenant = "acme"

// fixture is one tenant served by a fake Lattice, a file store and a recording handler.
type fixture struct {
	t      *testing.T
	srv    *latticetest.Server
	dir    string
	store  *temporalsync.FileStore
	apiKey string // the key the Directories hand out; the server's unless changed
	hand   handler
	acts   *temporalsync.Activities

	mu       sync.Mutex
	resolved int // calls of Directories
}

func newFixture(t *testing.T, people int, opts ...latticetest.Option) *fixture {
	t.Helper()
	srv := latticetest.NewTestServer(t, append([]latticetest.Option{latticetest.WithGenerated(7, people)}, opts...)...)
	dir := t.TempDir()
	st, err := temporalsync.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, srv: srv, dir: dir, store: st, apiKey: srv.APIKey}
	f.acts = &temporalsync.Activities{
		Directories: temporalsync.DirectoriesFunc(f.directory),
		Store:       st,
		Handler:     f.hand.handle,
	}
	return f
}

// directory resolves the tenant's directory: a new client every time, as after a
// restart of the worker, so that no cache carries over from one attempt to the next.
func (f *fixture) directory(_ context.Context, id string) (unified.Directory, error) {
	if id != tenant {
		return nil, fmt.Errorf("tenant %q: %w", id, temporalsync.ErrUnknownTenant)
	}
	f.mu.Lock()
	f.resolved++
	key := f.apiKey
	f.mu.Unlock()
	cfg := f.srv.ClientConfig()
	cfg.APIKey = key
	c, err := lattice.New(cfg)
	if err != nil {
		return nil, err
	}
	return c.Directory(), nil
}

// handler records the batches handed on, and fails them as fail says.
type handler struct {
	mu        sync.Mutex
	delivered []temporalsync.Batch // batches the handler accepted, in order
	attempts  map[int]int          // batch index → calls
	seen      []string             // keys of every change received, accepted or not
	fail      func(b *temporalsync.Batch, attempt int32) error
}

func (h *handler) handle(ctx context.Context, b *temporalsync.Batch) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.attempts == nil {
		h.attempts = map[int]int{}
	}
	h.attempts[b.Index]++
	for i := range b.Changes {
		h.seen = append(h.seen, b.Changes[i].Key())
	}
	if h.fail != nil {
		if err := h.fail(b, activity.GetInfo(ctx).Attempt); err != nil {
			return err
		}
	}
	h.delivered = append(h.delivered, *b)
	return nil
}

// keys returns the keys of the changes delivered, in order.
func (h *handler) keys() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, b := range h.delivered {
		for i := range b.Changes {
			out = append(out, b.Changes[i].Key())
		}
	}
	return out
}

func (h *handler) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.delivered, h.attempts, h.seen, h.fail = nil, nil, nil, nil
}

// outcome is what one workflow run did, as the test environment saw it.
type outcome struct {
	res     *temporalsync.SyncResult
	err     error
	started map[string]int // activity type → attempts started
	errs    []error        // errors of activity attempts
	beats   int            // heartbeats recorded
	seen    []string       // every activity input and heartbeat, as JSON
	logs    *lockedBuffer
	conv    *recordingConverter
}

// run runs SyncWorkflow once in a test environment, with its own workflow ID.
func (f *fixture) run(workflowID string, in temporalsync.SyncInput) *outcome {
	f.t.Helper()
	o := &outcome{started: map[string]int{}, logs: &lockedBuffer{}, conv: &recordingConverter{DataConverter: converter.GetDefaultDataConverter()}}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	env := suite.NewTestWorkflowEnvironment()
	// A guard against a hung run only: nothing here waits on the wall clock.
	env.SetTestTimeout(10 * time.Minute)
	env.SetDataConverter(o.conv)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflowID})
	var mu sync.Mutex
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, args converter.EncodedValues) {
		mu.Lock()
		defer mu.Unlock()
		o.started[info.ActivityType.Name]++
		var in json.RawMessage
		if err := args.Get(&in); err != nil {
			f.t.Errorf("decoding the input of %s: %v", info.ActivityType.Name, err)
		}
		o.seen = append(o.seen, string(in))
	})
	env.SetOnActivityCompletedListener(func(_ *activity.Info, _ converter.EncodedValue, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			o.errs = append(o.errs, err)
		}
	})
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		mu.Lock()
		defer mu.Unlock()
		o.beats++
		var cp json.RawMessage
		if err := details.Get(&cp); err != nil {
			f.t.Errorf("decoding heartbeat details: %v", err)
		}
		o.seen = append(o.seen, string(cp))
	})
	temporalsync.Register(env, f.acts)
	env.ExecuteWorkflow(temporalsync.WorkflowName, in)
	if !env.IsWorkflowCompleted() {
		f.t.Fatalf("workflow %s did not complete", workflowID)
	}
	o.err = env.GetWorkflowError()
	if o.err == nil {
		o.res = new(temporalsync.SyncResult)
		if err := env.GetWorkflowResult(o.res); err != nil {
			f.t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return o
}

// mustRun runs a sync that must succeed.
func (f *fixture) mustRun(workflowID string, in temporalsync.SyncInput) *outcome {
	f.t.Helper()
	o := f.run(workflowID, in)
	if o.err != nil {
		f.t.Fatalf("sync %s: %v", workflowID, o.err)
	}
	return o
}

// current returns the tenant's current snapshot.
func (f *fixture) current() *snapshot.Snapshot {
	f.t.Helper()
	s, err := temporalsync.Current(context.Background(), f.store, tenant)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// snapshotDirs lists the snapshots the file store holds for the tenant.
func (f *fixture) snapshotDirs() []string {
	f.t.Helper()
	entries, err := os.ReadDir(filepath.Join(f.dir, "tenants", tenant, "snapshots"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// latticeIDs returns the Lattice ids of every person the fake serves.
func (f *fixture) latticeIDs() []string {
	var ids []string
	for _, p := range f.srv.Company().People {
		ids = append(ids, p.LatticeID)
	}
	slices.Sort(ids)
	return ids
}

// userListings returns the startingAfter value of every GET /v1/users, in order ("" for
// the first page).
func (f *fixture) userListings() []string {
	var out []string
	for _, r := range f.srv.Requests() {
		if r.Path == "/v1/users" {
			out = append(out, r.Query.Get("startingAfter"))
		}
	}
	return out
}

func ids(users []unified.User) []string {
	out := make([]string, len(users))
	for i := range users {
		out[i] = users[i].ID
	}
	return out
}

func sortedIDs(users []unified.User) []string {
	out := ids(users)
	slices.Sort(out)
	return out
}

func appErrorType(err error) (typ string, nonRetryable bool) {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return "", false
	}
	return app.Type(), app.NonRetryable()
}

// recordingConverter is the default data converter, recording every payload it
// encodes or decodes: everything the workflow and its activities hand to Temporal.
type recordingConverter struct {
	converter.DataConverter
	mu       sync.Mutex
	payloads [][]byte
}

func (c *recordingConverter) record(ps ...*commonpb.Payload) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range ps {
		if p == nil {
			continue
		}
		b := slices.Clone(p.GetData())
		for k, v := range p.GetMetadata() {
			b = append(b, k...)
			b = append(b, v...)
		}
		c.payloads = append(c.payloads, b)
	}
}

func (c *recordingConverter) ToPayload(v any) (*commonpb.Payload, error) {
	p, err := c.DataConverter.ToPayload(v)
	c.record(p)
	return p, err
}

func (c *recordingConverter) ToPayloads(v ...any) (*commonpb.Payloads, error) {
	ps, err := c.DataConverter.ToPayloads(v...)
	c.record(ps.GetPayloads()...)
	return ps, err
}

func (c *recordingConverter) FromPayload(p *commonpb.Payload, v any) error {
	c.record(p)
	return c.DataConverter.FromPayload(p, v)
}

func (c *recordingConverter) FromPayloads(ps *commonpb.Payloads, v ...any) error {
	c.record(ps.GetPayloads()...)
	return c.DataConverter.FromPayloads(ps, v...)
}

// contains reports how many recorded payloads contain s.
func (c *recordingConverter) contains(s string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.payloads {
		if bytes.Contains(p, []byte(s)) {
			n++
		}
	}
	return n
}

func (c *recordingConverter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.payloads)
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
