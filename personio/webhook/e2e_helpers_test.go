package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/personio/webhook"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The end-to-end tests run in a testing/synctest bubble: the fake Personio is called in
// memory (Server.Handler) by the client, and the fake delivers in memory to the receiver
// through an injected client, so retries, backoff and the fake's retry schedule take no
// real time and nothing waits on the wall clock.

const hookToken = "Bearer hook-token-0123456789"

// handlerTransport sends requests to a handler in memory.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return w.Result(), nil
}

// receiverLink is where the fake delivers: the receiver's handler once set, a refused
// connection while it is down (nil), optionally wrapped to fail first.
type receiverLink struct {
	mu sync.Mutex
	h  http.Handler
}

func (l *receiverLink) set(h http.Handler) {
	l.mu.Lock()
	l.h = h
	l.mu.Unlock()
}

func (l *receiverLink) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	h := l.h
	l.mu.Unlock()
	if h == nil {
		if req.Body != nil {
			_, _ = io.Copy(io.Discard, req.Body)
		}
		return nil, errors.New("connection refused (the receiver is down)")
	}
	return handlerTransport{h}.RoundTrip(req)
}

// changeLog records the changes a tracker applied.
type changeLog struct {
	mu      sync.Mutex
	changes []snapshot.Change
}

func (l *changeLog) apply(_ context.Context, c snapshot.Change) error {
	l.mu.Lock()
	l.changes = append(l.changes, c)
	l.mu.Unlock()
	return nil
}

// take returns the changes applied since the last take, as "kind id [detail]" lines
// sorted: for a mover or a changed user the changed fields, for a leaver the reason.
func (l *changeLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := describe(l.changes)
	l.changes = nil
	return out
}

func describe(cs []snapshot.Change) []string {
	var out []string
	for _, c := range cs {
		s := c.Kind.String() + " " + c.User.ID
		switch c.Kind {
		case snapshot.Left:
			s += " " + c.Reason.String()
		case snapshot.Moved, snapshot.Changed:
			var fields []string
			for _, f := range c.Fields {
				fields = append(fields, f.Field)
			}
			s += " " + strings.Join(fields, ",")
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// errLog records what a tracker reported to OnError.
type errLog struct {
	mu   sync.Mutex
	errs []error
	ids  []string
}

func (l *errLog) add(id string, err error) {
	l.mu.Lock()
	l.ids = append(l.ids, id)
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *errLog) all() ([]string, []error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ids), slices.Clone(l.errs)
}

// rig is a fake Personio with a subscribed receiver and a tracker.
type rig struct {
	t       *testing.T
	fake    *personiotest.Server
	link    *receiverLink
	client  *personio.Client
	dir     unified.Directory
	hookID  string
	rcv     *webhook.Receiver
	tracker *webhook.Tracker
	log     *changeLog
	errs    *errLog
	ctx     context.Context
	cancel  context.CancelFunc
	runDone chan error
}

// newFake starts the fake, outside any bubble (it listens on loopback), delivering
// through link.
func newFake(t *testing.T, link *receiverLink, opts ...personiotest.Option) *personiotest.Server {
	t.Helper()
	return personiotest.NewTestServer(t, append([]personiotest.Option{personiotest.WithGenerated(3, 12),
		personiotest.WithWebhookClient(&http.Client{Transport: link})}, opts...)...)
}

// newRig sets everything up, inside the caller's bubble: the client (in memory, no rate
// limit), the directory in v2 mode, the initial snapshot, a webhook for person and
// employment events with a token, the receiver and the tracker, running.
func newRig(t *testing.T, fake *personiotest.Server, link *receiverLink, cfg webhook.TrackerConfig) *rig {
	t.Helper()
	r := &rig{t: t, fake: fake, link: link, log: &changeLog{}, errs: &errLog{}}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	var err error
	pcfg := fake.ClientConfig()
	pcfg.HTTPClient = fake.InMemoryClient()
	pcfg.MaxAttempts = 2
	r.client, err = personio.New(pcfg)
	if err != nil {
		t.Fatal(err)
	}
	r.dir = r.client.Directory(personio.WithV2())
	initial, err := snapshot.Take(r.ctx, r.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := r.client.CreateWebhook(r.ctx, &personio.CreateWebhookOptions{
		URL: "https://receiver.example/personio/webhook", Description: "provisioning",
		EnabledEvents: []string{webhook.PersonCreated, webhook.PersonUpdated, webhook.PersonDeleted,
			webhook.EmploymentCreated, webhook.EmploymentUpdated, webhook.EmploymentDeleted},
		AuthType: personio.WebhookAuthToken, Token: hookToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.hookID = w.ID
	r.start(initial, cfg)
	return r
}

// start creates the receiver and a tracker from state, and runs the tracker.
func (r *rig) start(state *snapshot.Snapshot, cfg webhook.TrackerConfig) {
	t := r.t
	t.Helper()
	var err error
	r.rcv, err = webhook.New(webhook.Config{Auth: webhook.Auth{Type: webhook.AuthToken, Token: hookToken},
		CompanyID: r.fake.CompanyID()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Directory, cfg.State = r.dir, state
	if cfg.Apply == nil {
		cfg.Apply = r.log.apply
	}
	if cfg.OnError == nil {
		cfg.OnError = r.errs.add
	}
	r.tracker, err = webhook.NewTracker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.runDone = make(chan error, 1)
	go func() { r.runDone <- r.tracker.Run(r.ctx, r.rcv.Events()) }()
	r.link.set(r.rcv)
}

// settle waits until the fake has delivered everything and the tracker has processed
// it.
func (r *rig) settle() {
	r.t.Helper()
	if err := r.fake.WaitWebhooks(r.ctx); err != nil {
		r.t.Fatal(err)
	}
	if err := r.tracker.Flush(r.ctx); err != nil {
		r.t.Fatal(err)
	}
}

// stop takes the receiver down and waits for the tracker to finish its work.
func (r *rig) stop() {
	r.t.Helper()
	r.link.set(nil)
	_ = r.rcv.Close()
	if err := <-r.runDone; err != nil {
		r.t.Errorf("Run: %v", err)
	}
}

// close stops everything the rig started in the bubble.
func (r *rig) close() {
	r.stop()
	r.cancel()
	r.fake.Close()
}

// mutate changes the fake company.
func (r *rig) mutate(f func(c *personiotest.Company) error) {
	r.t.Helper()
	var err error
	r.fake.Mutate(func(c *personiotest.Company) { err = f(c) })
	if err != nil {
		r.t.Fatal(err)
	}
}

// at is a change time after everything in the generated company.
func at(c *personiotest.Company, minutes int) time.Time {
	var latest time.Time
	for i := range c.People {
		if c.People[i].UpdatedAt.After(latest) {
			latest = c.People[i].UpdatedAt
		}
	}
	return latest.Add(time.Minute * time.Duration(minutes))
}

// plain returns active people with a manager and no reports, in id order.
func plain(c *personiotest.Company) []int {
	var out []int
	for _, p := range c.People {
		if p.Status == unified.StatusActive && p.SupervisorID != 0 && len(c.DirectReports(p.ID)) == 0 &&
			p.DepartmentID != 0 {
			out = append(out, p.ID)
		}
	}
	return out
}

func id(n int) string { return strconv.Itoa(n) }
