package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Personio's delivery and retention windows.
const (
	// RetryWindow is how long Personio retries a delivery: up to 3 days. An event that
	// occurred before a checkpoint may still arrive after it, so catch up from a
	// checkpoint less RetryWindow.
	RetryWindow = 3 * 24 * time.Hour
	// EventRetention is how far back Personio's Events API goes: 30 days. A gap longer
	// than that cannot be caught up; reconcile instead.
	EventRetention = 30 * 24 * time.Hour
)

// ErrCatchUpTooOld is returned by CatchUp for a start older than EventRetention: the
// Events API no longer has those events. Run Tracker.Reconcile instead.
var ErrCatchUpTooOld = errors.New("the events are older than the Events API keeps")

// EventSource lists the events Personio recorded for a webhook: *personio.Client, whose
// WebhookEvents pages through GET /v2/webhooks/{id}/events.
type EventSource interface {
	WebhookEvents(ctx context.Context, webhookID string, opts *personio.ListWebhookEventsOptions) iter.Seq2[personio.WebhookEvent, error]
}

var _ EventSource = (*personio.Client)(nil)

// CatchUp replays into the tracker the events Personio recorded for the webhook that
// occurred at or after from (the Events API), for Run to process like deliveries. It is
// how a receiver that was down catches up: every event is replayed, delivered before or
// not, and since the tracker fetches each person once however many events name it, the
// overlap with what was delivered costs one fetch per person and no duplicate change.
//
// After a restart, pass the saved state's checkpoint (State's TakenAt) less RetryWindow:
// an event that occurred before the checkpoint may not have been delivered by then.
// A from older than EventRetention fails with ErrCatchUpTooOld, before anything is
// read: run Reconcile instead.
//
// It returns the number of events replayed. A failed listing returns the error with the
// events replayed so far, which stay queued; call CatchUp again (from the same time).
// Items that cannot be read are reported to OnError and skipped.
func (t *Tracker) CatchUp(ctx context.Context, src EventSource, webhookID string, from time.Time) (int, error) {
	if from.Before(t.now().Add(-EventRetention)) {
		return 0, fmt.Errorf("webhook: catch-up from %s: Personio keeps events for 30 days: reconcile instead: %w",
			from.UTC().Format(time.RFC3339), ErrCatchUpTooOld)
	}
	n := 0
	opts := &personio.ListWebhookEventsOptions{OccurredFrom: from, Limit: personio.MaxWebhooksLimit}
	for e, err := range src.WebhookEvents(ctx, webhookID, opts) {
		if err != nil {
			return n, fmt.Errorf("webhook: catch-up: %w", err)
		}
		ev, err := eventFromAPI(&e)
		if err == nil {
			err = t.Handle(ev)
		}
		if err != nil {
			t.report("", err)
			continue
		}
		n++
	}
	return n, nil
}

// eventFromAPI turns an item of the Events API into the Event its delivery carries.
func eventFromAPI(e *personio.WebhookEvent) (Event, error) {
	if err := e.Err(); err != nil {
		return Event{}, fmt.Errorf("webhook: Events API item %q: %w", clip(e.ID), err)
	}
	ev := Event{Name: e.EventName, CompanyID: e.CompanyID, OccurredAt: e.OccurredAt, Raw: e.Raw}
	if p := bytes.TrimSpace(e.Payload); len(p) > 0 && string(p) != "null" {
		var payload map[string]json.RawMessage
		if err := json.Unmarshal(p, &payload); err != nil {
			return Event{}, fmt.Errorf("webhook: Events API item %q: payload: %w: %w", clip(e.ID), err, unified.ErrInvalidValue)
		}
		ev.Payload = resourceIDs(payload)
	}
	return ev, nil
}

// Reconcile lists the whole directory (snapshot.Take), compares the listing with the
// state (snapshot.Diff with TrackerConfig.Options) and queues every person that differs,
// for Run to apply as it does the persons events name. It catches what webhooks never
// report (a job change, a change older than the Events API's 30 days, an event that
// named no person) and resolves the unresolved persons. It returns the number of
// persons queued.
//
// Diff's safety checks apply: a listing that would make more than the allowed share of
// the state's people leave fails with snapshot.ErrTooManyLeavers, an empty state without
// snapshot.FirstRun(true) with snapshot.ErrNoPrevious, and nothing is queued.
//
// Events keep being processed while the directory is listed. A person whose state
// changed after the listing started is fetched again instead of taking the listed
// record, which may be older; so the listing never moves a person back either.
func (t *Tracker) Reconcile(ctx context.Context) (int, error) {
	t.mu.Lock()
	prev := t.stateLocked(t.now())
	start := t.seq
	wasUnresolved := make([]string, 0, len(t.unresolved))
	for id := range t.unresolved {
		wasUnresolved = append(wasUnresolved, id)
	}
	t.mu.Unlock()

	next, err := snapshot.Take(ctx, t.dir, nil)
	if err != nil {
		return 0, fmt.Errorf("webhook: reconcile: %w", err)
	}
	changes, err := snapshot.Diff(prev, next, t.opts...)
	if err != nil {
		return 0, fmt.Errorf("webhook: reconcile: %w", err)
	}
	listed := make(map[string]*unified.User, len(next.Users))
	for i := range next.Users {
		if _, dup := listed[next.Users[i].ID]; !dup {
			listed[next.Users[i].ID] = &next.Users[i]
		}
	}
	n := 0
	t.mu.Lock()
	for _, id := range wasUnresolved {
		// The listing decides for them: queued below if it differs from the state.
		delete(t.unresolved, id)
	}
	for c := range changes.All() {
		id := c.User.ID
		t.queueLocked(id, next.TakenAt).obs = &observation{user: listed[id], seq: start}
		n++
	}
	t.mu.Unlock()
	t.poke()
	return n, nil
}
