package webhook

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// DefaultConcurrency is how many persons a Tracker fetches at once unless
// TrackerConfig.Concurrency says otherwise. The client paces the requests to its rate
// limit whatever the concurrency.
const DefaultConcurrency = 4

// ErrNoPerson is reported for an employment event whose payload names no person: the v2
// API reads an employment only under its person (/v2/persons/{id}/employments/{id}), so
// such an event cannot be followed up. Reconciliation catches what it announced.
var ErrNoPerson = errors.New("the event names no person")

// TrackerConfig configures a [Tracker].
type TrackerConfig struct {
	// Directory reads one person: for Personio, client.Directory(personio.WithV2()),
	// whose GetUser reads the person and the employments (GET /v2/persons/{id} and its
	// employments) and maps them like every other read. Required.
	Directory unified.Directory
	// State is the directory as last known: a snapshot.Take of Directory without a
	// filter, or a Tracker.State saved earlier. Events are compared with it, and
	// Reconcile compares a new listing with it. nil means an empty directory, which
	// Reconcile accepts only with snapshot.FirstRun(true) in Options.
	State *snapshot.Snapshot
	// Apply is called with every change, and must be idempotent (Change.Key identifies a
	// change). The state moves on only once Apply returns nil; an error leaves the person
	// unresolved (see Tracker.Unresolved) and is reported to OnError. Apply is called from
	// up to Concurrency goroutines at once, but never twice at once for one person, and a
	// person's changes come in order. Required.
	Apply func(ctx context.Context, c snapshot.Change) error
	// Options are the options of the comparison: those of snapshot.Compare for the
	// persons that events name, and of snapshot.Diff for Reconcile (AsOf, IgnoreFields,
	// MoveFields, MaxLeaverShare, FirstRun).
	Options []snapshot.Option
	// Concurrency bounds the fetches in flight; 0 means DefaultConcurrency.
	Concurrency int
	// OnError, when set, is told about every failure that leaves a person unresolved (a
	// fetch that failed after the client's own retries, an Apply that failed), with the
	// person's id, and about events that cannot be followed up (ErrNoPerson, an
	// unreadable item of the Events API), with an empty id. It is called from the
	// tracker's goroutines and must not block for long.
	OnError func(personID string, err error)
	// Now is the clock of State's checkpoint and of CatchUp's window; nil means
	// time.Now.
	Now func() time.Time
}

// Tracker turns Personio's webhook events into [snapshot.Change] values: the joiners,
// movers, leavers and other changes that a snapshot diff reports, as they happen.
//
// Personio's events are dataless (they name a person or employment, not what changed),
// come at least once and in no set order. The tracker therefore never trusts an event's
// content or order: an event only says "look at this person again". It fetches the person
// with the directory's GetUser and compares the record with the last one it knows
// (snapshot.Compare); a person that is no longer found (GetUser fails with
// unified.ErrNotFound, as it does after person.deleted) is a leaver (LeaveRemoved). Even
// person.deleted is confirmed by that fetch, so that a test event or an old event replayed
// cannot remove a person who is still there. The last known records are the tracker's state, which
// starts from TrackerConfig.State and moves on with every change applied; [Tracker.State]
// returns it for saving.
//
// # Duplicates, bursts and order
//
// Each person has at most one fetch queued or in flight. An event for a person whose
// fetch is queued changes nothing (the fetch has not started, so it will see the
// change); an event for a person whose fetch is in flight marks the person, and one more
// fetch follows when the first is done (the first may have read the record before the
// change). So any number of deliveries of any events for one person during a fetch cost
// at most one more fetch, and give at most one change each time the record has changed.
//
// A person's fetches never overlap, and each starts after the previous one ended, so a
// later fetch never reads an older record than an earlier one did. A record that is
// older anyway than the known one (by UpdatedAt, as an API replica lagging behind could
// return) is dropped, and the known one kept. Out-of-order deliveries therefore cannot
// move a person back: what counts is what the last fetch read, not which event came
// last. A person.created delivered after the person's person.deleted costs a fetch that
// finds nothing and changes nothing.
//
// # What webhooks miss
//
// Personio fires no event for some changes (a job change fires none), deliveries can be
// lost (the receiver was down for longer than Personio retries, a delivery was rejected),
// and employment events without a person id cannot be followed. [Tracker.CatchUp] replays
// the Events API's record of the last 30 days after downtime; [Tracker.Reconcile] lists
// the whole directory and compares it with the state, which catches everything else. See
// docs/events.md for how often to run which.
//
// # Errors
//
// A fetch that fails after the client's retries, or an Apply that fails, loses nothing:
// the person stays unresolved, with the state unchanged, until [Tracker.Retry] or
// [Tracker.Reconcile] (or another event for the person) succeeds. Failures are reported
// to TrackerConfig.OnError.
//
// A Tracker is safe for concurrent use. Its methods other than Run may be called whether
// or not Run is running; the work they queue is done by Run.
type Tracker struct {
	dir     unified.Directory
	apply   func(context.Context, snapshot.Change) error
	opts    []snapshot.Option
	conc    int
	onError func(string, error)
	now     func() time.Time
	wake    chan struct{} // capacity 1: work was queued, or a Flush is waiting

	mu         sync.Mutex
	provider   string
	users      map[string]*record
	seq        uint64             // counts the writes of users
	people     map[string]*person // persons with work queued or in flight
	queue      []string           // persons whose work is queued, oldest first
	unresolved map[string]time.Time
	running    bool
	flushes    []chan struct{}
}

// record is the last known record of a person, nil when the person is known to be
// removed, with the sequence number of the write that set it.
type record struct {
	user *unified.User
	seq  uint64
}

// person is the work pending for one person.
type person struct {
	fetch    bool         // an event asks for a fetch
	obs      *observation // a record Reconcile read, to use unless a fetch is asked for
	since    time.Time    // the earliest occurred_at of the events folded into the queued work
	running  time.Time    // the same for the work in flight
	inflight bool
}

// observation is a person's record in a Reconcile listing (nil user: not listed),
// valid while the state is not written after seq.
type observation struct {
	user *unified.User
	seq  uint64
}

// NewTracker checks cfg and returns a Tracker. Errors wrap unified.ErrInvalidConfig.
func NewTracker(cfg TrackerConfig) (*Tracker, error) {
	invalid := func(msg string) error {
		return fmt.Errorf("webhook: %w: %s", unified.ErrInvalidConfig, msg)
	}
	switch {
	case cfg.Directory == nil:
		return nil, invalid("TrackerConfig.Directory is required (for Personio: client.Directory(personio.WithV2()))")
	case cfg.Apply == nil:
		return nil, invalid("TrackerConfig.Apply is required")
	case cfg.Concurrency < 0:
		return nil, invalid("TrackerConfig.Concurrency must not be negative")
	}
	t := &Tracker{
		dir: cfg.Directory, apply: cfg.Apply, opts: slices.Clone(cfg.Options), conc: cfg.Concurrency,
		onError: cfg.OnError, now: cfg.Now, wake: make(chan struct{}, 1),
		provider: cfg.Directory.Provider(), users: make(map[string]*record),
		people: make(map[string]*person), unresolved: make(map[string]time.Time),
	}
	if t.conc == 0 {
		t.conc = DefaultConcurrency
	}
	if t.now == nil {
		t.now = time.Now
	}
	if s := cfg.State; s != nil {
		switch {
		case !s.Filter.IsZero():
			return nil, invalid("TrackerConfig.State was listed with a filter: the tracker follows the whole directory; filter the changes instead")
		case s.Provider != "" && s.Provider != t.provider:
			return nil, invalid(fmt.Sprintf("TrackerConfig.State is a snapshot of %q, the directory is %q", s.Provider, t.provider))
		}
		for i := range s.Users {
			u := s.Users[i]
			if _, dup := t.users[u.ID]; !dup {
				t.users[u.ID] = &record{user: &u}
			}
		}
	}
	return t, nil
}

// poke wakes Run.
func (t *Tracker) poke() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Handle hands an event to the tracker (Run does the work). Person and employment events
// queue the person they name; other events (ping, absences, documents, ...) are ignored.
// An employment event that names no person returns an error matching ErrNoPerson. Run
// calls Handle for the events of its channel; call it yourself for events from elsewhere.
func (t *Tracker) Handle(ev Event) error {
	var id string
	switch {
	case strings.HasPrefix(ev.Name, "person."):
		id, _ = ev.Resource("person")
	case strings.HasPrefix(ev.Name, "employment."):
		id, _ = ev.Resource("person")
		if id == "" {
			emp, _ := ev.Resource("employment")
			return fmt.Errorf("webhook: %s of employment %q at %s: %w", ev.Name, clip(emp),
				ev.OccurredAt.UTC().Format(time.RFC3339), ErrNoPerson)
		}
	default:
		return nil
	}
	if id == "" {
		return fmt.Errorf("webhook: %s at %s: %w", ev.Name, ev.OccurredAt.UTC().Format(time.RFC3339), ErrNoPerson)
	}
	t.mu.Lock()
	t.queueLocked(id, ev.OccurredAt).fetch = true
	t.mu.Unlock()
	t.poke()
	return nil
}

// queueLocked returns the pending work of person id, queueing the person if nothing is
// queued or in flight. t.mu must be held.
func (t *Tracker) queueLocked(id string, since time.Time) *person {
	p := t.people[id]
	if p == nil {
		p = &person{since: since}
		t.people[id] = p
		t.queue = append(t.queue, id)
	}
	if !since.IsZero() && (p.since.IsZero() || since.Before(p.since)) {
		p.since = since
	}
	return p
}

// Run does the tracker's work: it reads events from events (a Receiver's Events) and
// fetches, compares and applies, up to Concurrency persons at once. It returns nil once
// events is closed and the work queued is done (unresolved persons aside), or ctx's error
// when ctx ends; work cut short by ctx stays queued for the next Run. With a nil events
// it does the work handed to it otherwise (Handle, CatchUp, Reconcile, Retry) until ctx
// ends. Only one Run may run at a time.
func (t *Tracker) Run(ctx context.Context, events <-chan Event) error {
	t.mu.Lock()
	if t.running {
		t.mu.Unlock()
		return errors.New("webhook: Tracker.Run is already running")
	}
	t.running = true
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.running = false
		t.mu.Unlock()
	}()

	var g errgroup.Group
	g.SetLimit(t.conc)
	done := make(chan struct{}, t.conc)
	inflight := 0
	closed := false // events was closed
	for {
		t.mu.Lock()
		for inflight < t.conc && len(t.queue) > 0 && ctx.Err() == nil {
			id := t.queue[0]
			t.queue = t.queue[1:]
			t.people[id].inflight = true
			inflight++
			g.Go(func() error {
				t.process(ctx, id)
				done <- struct{}{}
				return nil
			})
		}
		idle := inflight == 0 && len(t.queue) == 0 && len(events) == 0
		if idle {
			for _, f := range t.flushes {
				close(f)
			}
			t.flushes = nil
		}
		t.mu.Unlock()
		if idle && closed {
			return nil
		}
		select {
		case ev, ok := <-events:
			if !ok {
				events, closed = nil, true
				continue
			}
			if err := t.Handle(ev); err != nil {
				t.report("", err)
			}
		case <-done:
			inflight--
		case <-t.wake:
		case <-ctx.Done():
			_ = g.Wait()
			return ctx.Err()
		}
	}
}

// Flush waits until the tracker is idle: every event handed to it, or waiting in the
// channel Run reads, has been processed (applied, or left unresolved). It needs Run to
// be running, and returns ctx's error if ctx ends first.
func (t *Tracker) Flush(ctx context.Context) error {
	f := make(chan struct{})
	t.mu.Lock()
	t.flushes = append(t.flushes, f)
	t.mu.Unlock()
	t.poke()
	select {
	case <-f:
		return nil
	case <-ctx.Done():
		t.mu.Lock()
		t.flushes = slices.DeleteFunc(t.flushes, func(c chan struct{}) bool { return c == f })
		t.mu.Unlock()
		return ctx.Err()
	}
}

// process does the work queued for one person: fetch (or take the listing's record),
// compare, apply, and write the state.
func (t *Tracker) process(ctx context.Context, id string) {
	t.mu.Lock()
	p := t.people[id]
	job := *p
	p.fetch, p.obs = false, nil
	p.running, p.since = p.since, time.Time{}
	known := t.users[id]
	t.mu.Unlock()

	var after *unified.User
	switch {
	case !job.fetch && job.obs != nil && (known == nil || known.seq <= job.obs.seq):
		after = job.obs.user
	default:
		u, err := t.dir.GetUser(ctx, id)
		switch {
		case err == nil:
			after = u
		case errors.Is(err, unified.ErrNotFound):
		case ctx.Err() != nil:
			t.finish(id, &job, nil)
			return
		default:
			t.finish(id, &job, fmt.Errorf("webhook: person %s: %w", clip(id), err))
			return
		}
	}
	var before *unified.User
	if known != nil {
		before = known.user
	}
	if before != nil && after != nil && after.UpdatedAt.Before(before.UpdatedAt) {
		// An older record than the one known: keep the known one.
		t.finish(id, nil, nil)
		return
	}
	if c := snapshot.Compare(before, after, t.opts...); c != nil {
		if err := t.apply(ctx, *c); err != nil {
			if ctx.Err() != nil {
				t.finish(id, &job, nil)
				return
			}
			t.finish(id, &job, fmt.Errorf("webhook: person %s: applying %s: %w", clip(id), c.Kind, err))
			return
		}
	}
	t.mu.Lock()
	t.seq++
	t.users[id] = &record{user: after, seq: t.seq}
	t.mu.Unlock()
	t.finish(id, nil, nil)
}

// finish ends the work on a person. With job set the work was not done: it is queued
// again when err is nil (ctx ended), or the person is left unresolved with err. Work that
// arrived meanwhile is queued.
func (t *Tracker) finish(id string, job *person, err error) {
	t.mu.Lock()
	p := t.people[id]
	p.inflight = false
	if job != nil && err == nil {
		// Cut short: put the work back as it was.
		p.fetch = p.fetch || job.fetch
		if p.obs == nil {
			p.obs = job.obs
		}
		p.since = earliest(p.since, p.running)
	}
	if err != nil {
		t.unresolved[id] = earliest(t.unresolved[id], earliest(p.running, t.now()))
	} else if job == nil {
		delete(t.unresolved, id)
	}
	p.running = time.Time{}
	if p.fetch || p.obs != nil {
		t.queue = append(t.queue, id)
	} else {
		delete(t.people, id)
	}
	t.mu.Unlock()
	if err != nil {
		t.report(id, err)
	}
}

// earliest returns the earlier of two times, a zero time counting as none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

func (t *Tracker) report(id string, err error) {
	if t.onError != nil {
		t.onError(id, err)
	}
}

// Unresolved returns the ids of the persons whose last fetch or Apply failed, sorted.
func (t *Tracker) Unresolved() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Sorted(maps.Keys(t.unresolved))
}

// Retry queues a fetch of every unresolved person.
func (t *Tracker) Retry() {
	t.mu.Lock()
	for id, since := range t.unresolved {
		t.queueLocked(id, since).fetch = true
	}
	t.mu.Unlock()
	t.poke()
}

// State returns the tracker's state as a snapshot, users sorted by ID, to save (with
// snapshot.Save) and to start a later Tracker from. Its TakenAt is a checkpoint: every
// event the tracker was handed before it is reflected, except those of unresolved
// persons and work still queued, whose earliest event time the checkpoint goes back to.
// After a restart, catch up from the checkpoint less RetryWindow (see CatchUp). The
// users share their maps and pointers with the tracker's records, which the tracker never
// modifies; do not modify them either.
func (t *Tracker) State() *snapshot.Snapshot {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stateLocked(now)
}

// stateLocked returns the state as of now. t.mu must be held.
func (t *Tracker) stateLocked(now time.Time) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Provider: t.provider, TakenAt: now.UTC()}
	for _, p := range t.people {
		for _, since := range []time.Time{p.since, p.running} {
			if !since.IsZero() && since.Before(s.TakenAt) {
				s.TakenAt = since.UTC()
			}
		}
	}
	for _, since := range t.unresolved {
		if !since.IsZero() && since.Before(s.TakenAt) {
			s.TakenAt = since.UTC()
		}
	}
	for _, r := range t.users {
		if r.user != nil {
			s.Users = append(s.Users, *r.user)
		}
	}
	slices.SortFunc(s.Users, func(a, b unified.User) int { return cmp.Compare(a.ID, b.ID) })
	return s
}
