package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/personio/webhook"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// scripted is a directory whose GetUser answers, per person, the records of a script in
// turn (a nil record: not found), repeating the last; while gate is set, GetUser waits
// for it (or the context).
type scripted struct {
	mu     sync.Mutex
	script map[string][]*unified.User
	calls  map[string]int
	gate   chan struct{}
}

func (d *scripted) Provider() string                          { return "personio" }
func (d *scripted) Me(context.Context) (*unified.User, error) { return nil, unified.ErrUnsupported }
func (d *scripted) ListUsers(context.Context, *unified.ListOptions) (*unified.Page, error) {
	return nil, unified.ErrUnsupported
}

func (d *scripted) GetUser(ctx context.Context, id string) (*unified.User, error) {
	d.mu.Lock()
	gate := d.gate
	n := d.calls[id]
	d.calls[id]++
	answers := d.script[id]
	d.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if len(answers) == 0 {
		return nil, fmt.Errorf("person %s: %w", id, unified.ErrNotFound)
	}
	u := answers[min(n, len(answers)-1)]
	if u == nil {
		return nil, fmt.Errorf("person %s: %w", id, unified.ErrNotFound)
	}
	c := *u
	return &c, nil
}

func user(id, first string, updated time.Time) *unified.User {
	return &unified.User{ID: id, Provider: "personio", FirstName: first, LastName: "Doe", Status: unified.StatusActive,
		UpdatedAt: updated}
}

func event(name, person string) webhook.Event {
	ev := webhook.Event{Name: name, CompanyID: "1", OccurredAt: time.Now(), Payload: map[string]string{}}
	if person != "" {
		ev.Payload["person"] = person
	}
	return ev
}

var t0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// A fetch that returns an older record than the one known (a lagging replica) does not
// move the person back: the state keeps the newer record and no change is applied.
func TestTrackerNeverMovesBack(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &scripted{calls: map[string]int{}, script: map[string][]*unified.User{
			"7": {user("7", "New", t0.Add(2*time.Hour)), user("7", "Old", t0.Add(time.Hour))},
		}}
		log := &changeLog{}
		tr, err := webhook.NewTracker(webhook.TrackerConfig{Directory: d, Apply: log.apply,
			State: &snapshot.Snapshot{Provider: "personio", Users: []unified.User{*user("7", "Orig", t0)}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- tr.Run(ctx, nil) }()
		for range 2 {
			if err := tr.Handle(event(webhook.PersonUpdated, "7")); err != nil {
				t.Fatal(err)
			}
			if err := tr.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
		if diff := cmp.Diff([]string{"changed 7 first_name"}, log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if got := tr.State().Users; len(got) != 1 || got[0].FirstName != "New" {
			t.Errorf("state %+v, want the newer record", got)
		}
		if d.calls["7"] != 2 {
			t.Errorf("%d fetches, want 2", d.calls["7"])
		}
	})
}

// person.deleted is confirmed by a fetch: a person still found is not removed (a test
// event, or one replayed), one not found is a leaver.
func TestTrackerDeletionIsConfirmed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &scripted{calls: map[string]int{}, script: map[string][]*unified.User{
			"1": {user("1", "Still", t0)},
			"2": {nil},
		}}
		log := &changeLog{}
		tr, err := webhook.NewTracker(webhook.TrackerConfig{Directory: d, Apply: log.apply,
			State: &snapshot.Snapshot{Provider: "personio", Users: []unified.User{*user("1", "Still", t0), *user("2", "Gone", t0)}}})
		if err != nil {
			t.Fatal(err)
		}
		events := make(chan webhook.Event, 4)
		events <- event(webhook.PersonDeleted, "1")
		events <- event(webhook.PersonDeleted, "2")
		events <- event(webhook.EmploymentDeleted, "2")
		close(events)
		if err := tr.Run(context.Background(), events); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"left 2 removed"}, log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
	})
}

// Run returns when its context ends; the work it was doing stays queued, shows in the
// checkpoint, and the next Run does it.
func TestTrackerRunCancelledKeepsWork(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &scripted{calls: map[string]int{}, gate: make(chan struct{}), script: map[string][]*unified.User{
			"7": {user("7", "New", t0.Add(time.Hour))},
		}}
		log := &changeLog{}
		tr, err := webhook.NewTracker(webhook.TrackerConfig{Directory: d, Apply: log.apply,
			State: &snapshot.Snapshot{Provider: "personio", Users: []unified.User{*user("7", "Orig", t0)}}})
		if err != nil {
			t.Fatal(err)
		}
		ev := event(webhook.PersonUpdated, "7")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- tr.Run(ctx, nil) }()
		if err := tr.Handle(ev); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the fetch waits at the gate
		time.Sleep(time.Hour)
		if st := tr.State(); !st.TakenAt.Equal(ev.OccurredAt.UTC()) {
			t.Errorf("checkpoint during the fetch %v, want the event's time %v", st.TakenAt, ev.OccurredAt)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
		if st := tr.State(); !st.TakenAt.Equal(ev.OccurredAt.UTC()) {
			t.Errorf("checkpoint %v, want the pending event's time %v", st.TakenAt, ev.OccurredAt)
		}
		close(d.gate)
		events := make(chan webhook.Event)
		close(events)
		if err := tr.Run(context.Background(), events); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"changed 7 first_name"}, log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if st := tr.State(); !st.TakenAt.Equal(time.Now().UTC()) {
			t.Errorf("checkpoint %v, want now", st.TakenAt)
		}
	})
}

// Handle queues person and employment events, ignores the others, and refuses
// employment events without a person.
func TestTrackerHandle(t *testing.T) {
	t.Parallel()
	d := &scripted{calls: map[string]int{}}
	tr, err := webhook.NewTracker(webhook.TrackerConfig{Directory: d, Apply: (&changeLog{}).apply})
	if err != nil {
		t.Fatal(err)
	}
	emp := event(webhook.EmploymentUpdated, "")
	emp.Payload["employment"] = "e-1"
	for _, tt := range []struct {
		ev   webhook.Event
		want error
	}{
		{event(webhook.PersonCreated, "1"), nil},
		{event(webhook.EmploymentTerminated, "1"), nil},
		{event(webhook.Ping, ""), nil},
		{event("absence-period.created", ""), nil},
		{emp, webhook.ErrNoPerson},
		{event(webhook.PersonUpdated, ""), webhook.ErrNoPerson},
	} {
		if err := tr.Handle(tt.ev); !errors.Is(err, tt.want) {
			t.Errorf("Handle(%s %v) = %v, want %v", tt.ev.Name, tt.ev.Payload, err, tt.want)
		}
	}
}

func TestNewTrackerChecksConfig(t *testing.T) {
	t.Parallel()
	d := &scripted{}
	apply := (&changeLog{}).apply
	for _, tt := range []struct {
		name string
		cfg  webhook.TrackerConfig
	}{
		{"no directory", webhook.TrackerConfig{Apply: apply}},
		{"no apply", webhook.TrackerConfig{Directory: d}},
		{"negative concurrency", webhook.TrackerConfig{Directory: d, Apply: apply, Concurrency: -1}},
		{"filtered state", webhook.TrackerConfig{Directory: d, Apply: apply, State: &snapshot.Snapshot{Provider: "personio",
			Filter: unified.Filter{Statuses: []unified.Status{unified.StatusActive}}}}},
		{"other provider", webhook.TrackerConfig{Directory: d, Apply: apply, State: &snapshot.Snapshot{Provider: "lattice"}}},
	} {
		if _, err := webhook.NewTracker(tt.cfg); !errors.Is(err, unified.ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", tt.name, err)
		}
	}
	if _, err := webhook.NewTracker(webhook.TrackerConfig{Directory: d, Apply: apply}); err != nil {
		t.Errorf("minimal config: %v", err)
	}
}

// A second Run while one runs is refused.
func TestTrackerRunOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		tr, err := webhook.NewTracker(webhook.TrackerConfig{Directory: &scripted{}, Apply: (&changeLog{}).apply})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- tr.Run(ctx, nil) }()
		synctest.Wait()
		if err := tr.Run(ctx, nil); err == nil {
			t.Error("a second Run was accepted")
		}
		cancel()
		<-done
	})
}

// Events for a person whose fetch is queued (not yet started) add nothing: each person is
// fetched once, whatever the number of events, with a single fetch slot.
func TestTrackerQueuedPersonIsFetchedOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &scripted{calls: map[string]int{}, script: map[string][]*unified.User{
			"1": {user("1", "A", t0)}, "2": {user("2", "B", t0)}, "3": {user("3", "C", t0)},
		}}
		log := &changeLog{}
		tr, err := webhook.NewTracker(webhook.TrackerConfig{Directory: d, Apply: log.apply, Concurrency: 1,
			State: &snapshot.Snapshot{Provider: "personio"}})
		if err != nil {
			t.Fatal(err)
		}
		events := make(chan webhook.Event, 30)
		for i := range 30 {
			names := []string{webhook.PersonCreated, webhook.PersonUpdated, webhook.EmploymentCreated}
			events <- event(names[i%3], fmt.Sprint(i%3+1))
		}
		close(events)
		if err := tr.Run(context.Background(), events); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]int{"1": 1, "2": 1, "3": 1}, d.calls); diff != "" {
			t.Errorf("fetches per person (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"joined 1", "joined 2", "joined 3"}, log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
	})
}
