package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/personio/webhook"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// moveDepartment moves a person to the first other department, keeping the manager.
func moveDepartment(c *personiotest.Company, id int, when time.Time) error {
	p := c.Person(id)
	for _, d := range c.Departments {
		if d.ID != p.DepartmentID {
			return c.Move(id, d.ID, 0, p.SupervisorID, when)
		}
	}
	return errors.New("one department only")
}

// hirePerson hires a person under the first person and returns the new id.
func hirePerson(c *personiotest.Company, first string, when time.Time) (int, error) {
	boss := c.People[0]
	p, err := c.Hire(fakecompany.Person{FirstName: first, LastName: "Neu", Position: "Engineer",
		DepartmentID: boss.DepartmentID, SupervisorID: boss.ID, HireDate: fakecompany.DefaultToday(),
		CreatedAt: when})
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// Every kind of event becomes its change, one change per step, from deliveries of the
// fake through the receiver: a hire a joiner, a rename or a custom attribute a changed
// user, a department move a mover, a termination and a deletion leavers. A job change
// fires no event, so it makes no change.
func TestTrackerEveryEventKind(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		c := fake.Company()
		ps := plain(c)
		when := at(c, 60)
		attr := c.Attributes[0].Key
		var hired int
		steps := []struct {
			name   string
			change func(c *personiotest.Company) error
			want   func() []string
		}{
			{"hire", func(c *personiotest.Company) (err error) { hired, err = hirePerson(c, "Lina", when); return err },
				func() []string { return []string{"joined " + id(hired)} }},
			{"rename", func(c *personiotest.Company) error { c.Person(ps[0]).FirstName = "Renamed"; return nil },
				func() []string { return []string{"changed " + id(ps[0]) + " first_name,display_name"} }},
			{"custom attribute", func(c *personiotest.Company) error { c.Person(ps[1]).Custom[attr] = "changed"; return nil },
				func() []string { return []string{"changed " + id(ps[1]) + " custom." + attr} }},
			{"department", func(c *personiotest.Company) error { return moveDepartment(c, ps[2], when) },
				func() []string { return []string{"moved " + id(ps[2]) + " department,team"} }},
			{"termination", func(c *personiotest.Company) error { return c.Terminate(ps[3], fakecompany.DefaultToday(), when) },
				func() []string { return []string{"left " + id(ps[3]) + " deactivated"} }},
			{"deletion", func(c *personiotest.Company) error { return c.Remove(ps[4]) },
				func() []string { return []string{"left " + id(ps[4]) + " removed"} }},
			{"job change", func(c *personiotest.Company) error { c.Person(ps[5]).Position = "Principal"; return nil },
				func() []string { return nil }},
		}
		for _, st := range steps {
			r.mutate(st.change)
			r.settle()
			if diff := cmp.Diff(st.want(), r.log.take()); diff != "" {
				t.Errorf("%s: changes (-want +got):\n%s", st.name, diff)
			}
		}
		if ids, errs := r.errs.all(); len(errs) != 0 {
			t.Errorf("errors reported: %v %v", ids, errs)
		}
		// The state is the directory as the fake serves it now, but for the job change.
		state := r.tracker.State()
		want, err := snapshot.Take(r.ctx, r.dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		diff, err := snapshot.Diff(state, want)
		if err != nil {
			t.Fatal(err)
		}
		if got := describe(collect(diff)); !cmp.Equal(got, []string{"moved " + id(ps[5]) + " title"}) {
			t.Errorf("state differs from the directory by %q, want only the job change", got)
		}
	})
}

// persisted returns s as snapshot.Write and snapshot.Read pass it on: a state saved to
// a file and loaded again.
func persisted(t *testing.T, s *snapshot.Snapshot) *snapshot.Snapshot {
	t.Helper()
	var buf bytes.Buffer
	if err := snapshot.Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := snapshot.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func collect(c *snapshot.Changes) []snapshot.Change {
	var out []snapshot.Change
	for ch := range c.All() {
		out = append(out, ch)
	}
	return out
}

// The job change fires nothing; Reconcile finds it, and only it.
func TestTrackerJobChangeOnlyAfterReconcile(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		who := plain(fake.Company())[0]
		r.mutate(func(c *personiotest.Company) error { c.Person(who).Position = "Head of Things"; return nil })
		r.settle()
		if got := r.log.take(); len(got) != 0 {
			t.Fatalf("changes before reconciling: %q", got)
		}
		if n := len(fake.WebhookAttempts()); n != 0 {
			t.Fatalf("%d deliveries for a job change, want none", n)
		}
		n, err := r.tracker.Reconcile(r.ctx)
		if err != nil || n != 1 {
			t.Fatalf("Reconcile: %d queued, %v; want 1", n, err)
		}
		r.settle()
		if diff := cmp.Diff([]string{"moved " + id(who) + " title"}, r.log.take()); diff != "" {
			t.Errorf("after reconciling (-want +got):\n%s", diff)
		}
		// A second reconciliation finds nothing more.
		if n, err := r.tracker.Reconcile(r.ctx); err != nil || n != 0 {
			t.Errorf("second Reconcile: %d queued, %v", n, err)
		}
	})
}

// Duplicated and reordered deliveries give one correct change each. Deliveries are held
// while a person is hired, renamed and moved, then released newest first and each sent
// three times: the tracker fetches the person once per burst and reports one joiner with
// the final record. A person renamed and then deleted, delivered deletion first, is one
// leaver; a person hired and deleted before anything was delivered is no change at all.
func TestTrackerDuplicateAndReorderedDeliveries(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		c := fake.Company()
		when := at(c, 60)
		gone := plain(c)[0]
		fake.SetWebhookDelivery(personiotest.WebhookDelivery{Hold: true, Duplicates: 2})
		var joiner, ghost int
		r.mutate(func(c *personiotest.Company) (err error) { joiner, err = hirePerson(c, "Lina", when); return err })
		r.mutate(func(c *personiotest.Company) error { c.Person(joiner).FirstName = "Carolina"; return nil })
		r.mutate(func(c *personiotest.Company) error { return moveDepartment(c, joiner, when.Add(time.Minute)) })
		r.mutate(func(c *personiotest.Company) error { c.Person(gone).LastName = "Renamed"; return nil })
		r.mutate(func(c *personiotest.Company) error { return c.Remove(gone) })
		r.mutate(func(c *personiotest.Company) (err error) { ghost, err = hirePerson(c, "Ghost", when); return err })
		r.mutate(func(c *personiotest.Company) error { return c.Remove(ghost) })
		fake.SetWebhookDelivery(personiotest.WebhookDelivery{LastFirst: true})
		r.settle()
		if diff := cmp.Diff([]string{"joined " + id(joiner), "left " + id(gone) + " removed"}, r.log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		u := userOf(t, r.tracker.State(), id(joiner))
		want := fake.Company().Person(joiner)
		if u == nil || u.FirstName != "Carolina" || u.Department == nil || u.Department.ID != id(want.DepartmentID) {
			t.Errorf("joiner's record %+v, want the final one (Carolina, department %d)", u, want.DepartmentID)
		}
		// 11 events (the joiner's 2+1+1, 1+2 for the person deleted, 2+2 for the
		// ghost), each delivered 3 times.
		copies := map[string]int{}
		for _, a := range fake.WebhookAttempts() {
			copies[a.EventID]++
		}
		if len(copies) != 11 {
			t.Errorf("%d events delivered, want 11", len(copies))
		}
		for ev, n := range copies {
			if n != 3 {
				t.Errorf("event %s delivered %d times, want 3", ev, n)
			}
		}
	})
}

func userOf(t *testing.T, s *snapshot.Snapshot, id string) *unified.User {
	t.Helper()
	for i := range s.Users {
		if s.Users[i].ID == id {
			return &s.Users[i]
		}
	}
	return nil
}

// A burst of deliveries for one person while a fetch is in flight costs one more fetch,
// not one per delivery. (The delayed first fetch already reads the last name, so the
// second finds nothing new.)
func TestTrackerCollapsesBursts(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		who := plain(fake.Company())[0]
		path := "/v2/persons/" + id(who)
		// The first fetch of the person waits a minute in the fake; meanwhile five more
		// changes are delivered.
		fake.Inject(personiotest.Fault{Method: http.MethodGet, Path: path, Delay: time.Minute})
		before := fake.Count(http.MethodGet, path)
		r.mutate(func(c *personiotest.Company) error { c.Person(who).FirstName = "A"; return nil })
		synctest.Wait() // delivered, and the fetch is waiting in the fake
		for _, name := range []string{"B", "C", "D", "E", "F"} {
			r.mutate(func(c *personiotest.Company) error { c.Person(who).FirstName = name; return nil })
		}
		r.settle()
		if n := fake.Count(http.MethodGet, path) - before; n != 2 {
			t.Errorf("%d fetches of the person for 6 events, want 2", n)
		}
		if diff := cmp.Diff([]string{"changed " + id(who) + " first_name,display_name"}, r.log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if u := userOf(t, r.tracker.State(), id(who)); u == nil || u.FirstName != "F" {
			t.Errorf("state %+v, want the last name F", u)
		}
	})
}

// A receiver answering 5xx makes the fake deliver again; the change arrives once.
func TestTrackerRedeliveryAfter5xx(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		failures := 3
		var mu sync.Mutex
		link.set(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			mu.Lock()
			fail := failures > 0
			failures--
			mu.Unlock()
			if fail {
				http.Error(w, "overloaded", http.StatusServiceUnavailable)
				return
			}
			r.rcv.ServeHTTP(w, req)
		}))
		who := plain(fake.Company())[0]
		r.mutate(func(c *personiotest.Company) error { c.Person(who).LastName = "Neu"; return nil })
		r.settle()
		if diff := cmp.Diff([]string{"changed " + id(who) + " last_name,display_name"}, r.log.take()); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		var statuses []int
		for _, a := range fake.WebhookAttempts() {
			statuses = append(statuses, a.StatusCode)
		}
		if diff := cmp.Diff([]int{503, 503, 503, 202}, statuses); diff != "" {
			t.Errorf("delivery statuses (-want +got):\n%s", diff)
		}
	})
}

// A consumer that takes its time never delays the acknowledgement: with Apply blocked,
// every delivery is still acknowledged by its first request, and the changes are all
// applied once Apply goes on.
func TestTrackerSlowConsumerDoesNotDelayAcknowledgement(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		log := &changeLog{}
		r := newRig(t, fake, link, webhook.TrackerConfig{Concurrency: 2, Apply: func(ctx context.Context, c snapshot.Change) error {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			return log.apply(ctx, c)
		}})
		defer r.close()
		ps := plain(fake.Company())
		for _, p := range ps {
			r.mutate(func(c *personiotest.Company) error { c.Person(p).FirstName += "x"; return nil })
		}
		if err := fake.WaitWebhooks(r.ctx); err != nil {
			t.Fatal(err)
		}
		attempts := fake.WebhookAttempts()
		if len(attempts) != len(ps) {
			t.Fatalf("%d delivery requests for %d events", len(attempts), len(ps))
		}
		for _, a := range attempts {
			if !a.Delivered || a.Attempt != 1 || a.Request != 1 {
				t.Errorf("delivery %+v: want acknowledged by its first request", a)
			}
		}
		synctest.Wait()
		if got := log.take(); len(got) != 0 {
			t.Fatalf("applied %q while Apply is blocked", got)
		}
		close(release)
		r.settle()
		if n := len(log.take()); n != len(ps) {
			t.Errorf("%d changes applied, want %d", n, len(ps))
		}
	})
}

// A delivery with a wrong token is refused (401, which Personio does not retry) and
// nothing reaches the tracker.
func TestTrackerWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		if _, err := r.client.UpdateWebhook(r.ctx, r.hookID, &personio.UpdateWebhookOptions{Token: new("Bearer guessed")}); err != nil {
			t.Fatal(err)
		}
		who := plain(fake.Company())[0]
		r.mutate(func(c *personiotest.Company) error { c.Person(who).FirstName = "Eve"; return nil })
		r.settle()
		if got := r.log.take(); len(got) != 0 {
			t.Errorf("changes from a refused delivery: %q", got)
		}
		if n := len(r.rcv.Events()); n != 0 {
			t.Errorf("%d events queued", n)
		}
		var statuses []int
		for _, a := range fake.WebhookAttempts() {
			statuses = append(statuses, a.StatusCode)
		}
		if diff := cmp.Diff([]int{http.StatusUnauthorized}, statuses); diff != "" {
			t.Errorf("delivery statuses (-want +got):\n%s", diff)
		}
	})
}

// Downtime: while the receiver is down, Personio gives up its deliveries (here without
// extended retries). A tracker started from the saved state catches up from the Events
// API and reports every missed change; events it had already seen change nothing.
func TestTrackerCatchUpAfterDowntime(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link, personiotest.WithWebhookRetryDelays())
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		c := fake.Company()
		ps := plain(c)
		when := at(c, 60)
		r.mutate(func(c *personiotest.Company) error { c.Person(ps[0]).FirstName = "Before"; return nil })
		r.settle()
		if got := r.log.take(); len(got) != 1 {
			t.Fatalf("before the downtime: %q", got)
		}
		saved := persisted(t, r.tracker.State())
		r.stop() // the process goes down

		time.Sleep(time.Hour)
		var hired int
		r.mutate(func(c *personiotest.Company) (err error) { hired, err = hirePerson(c, "Lina", when); return err })
		r.mutate(func(c *personiotest.Company) error { c.Person(ps[1]).Email = "new.address@example.com"; return nil })
		r.mutate(func(c *personiotest.Company) error { return moveDepartment(c, ps[2], when) })
		r.mutate(func(c *personiotest.Company) error { return c.Remove(ps[3]) })
		if err := fake.WaitWebhooks(r.ctx); err != nil {
			t.Fatal(err)
		}
		for _, a := range fake.WebhookAttempts() {
			if a.Delivered && a.CompletedAt.After(saved.TakenAt) {
				t.Fatalf("delivered while down: %+v", a)
			}
		}

		time.Sleep(time.Hour) // back up
		r.start(saved, webhook.TrackerConfig{})
		n, err := r.tracker.CatchUp(r.ctx, r.client, r.hookID, saved.TakenAt.Add(-webhook.RetryWindow))
		if err != nil {
			t.Fatal(err)
		}
		// person.updated before the downtime; person.created + employment.created,
		// person.updated, employment.updated, person.deleted + employment.deleted after.
		if n != 7 {
			t.Errorf("CatchUp replayed %d events, want 7", n)
		}
		r.settle()
		want := []string{"changed " + id(ps[1]) + " email", "joined " + id(hired),
			"left " + id(ps[3]) + " removed", "moved " + id(ps[2]) + " department,team"}
		if diff := cmp.Diff(want, r.log.take()); diff != "" {
			t.Errorf("caught up (-want +got):\n%s", diff)
		}

		// Catching up from further back than the Events API keeps is refused.
		_, err = r.tracker.CatchUp(r.ctx, r.client, r.hookID, time.Now().Add(-webhook.EventRetention-time.Hour))
		if !errors.Is(err, webhook.ErrCatchUpTooOld) {
			t.Errorf("catch-up from 30 days and an hour ago: %v", err)
		}
	})
}

// A fetch that fails after the client's retries loses nothing: the person is reported
// and unresolved, the state unchanged, and Retry applies the change.
func TestTrackerFetchFailureIsRetried(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		who := plain(fake.Company())[0]
		fake.Inject(personiotest.Fault{Method: http.MethodGet, Path: "/v2/persons/" + id(who), Status: 503, Times: 2})
		r.mutate(func(c *personiotest.Company) error { c.Person(who).FirstName = "Later"; return nil })
		r.settle()
		if got := r.log.take(); len(got) != 0 {
			t.Fatalf("changes despite the failed fetch: %q", got)
		}
		if diff := cmp.Diff([]string{id(who)}, r.tracker.Unresolved()); diff != "" {
			t.Errorf("unresolved (-want +got):\n%s", diff)
		}
		ids, errs := r.errs.all()
		if len(errs) != 1 || ids[0] != id(who) {
			t.Fatalf("reported %q %v", ids, errs)
		}
		time.Sleep(time.Minute)
		if st := r.tracker.State(); !st.TakenAt.Before(time.Now().Add(-time.Minute)) {
			t.Errorf("checkpoint %v does not go back to the unresolved event", st.TakenAt)
		}
		r.tracker.Retry()
		r.settle()
		if diff := cmp.Diff([]string{"changed " + id(who) + " first_name,display_name"}, r.log.take()); diff != "" {
			t.Errorf("after Retry (-want +got):\n%s", diff)
		}
		if u := r.tracker.Unresolved(); len(u) != 0 {
			t.Errorf("still unresolved: %q", u)
		}
	})
}

// An Apply that fails leaves the state as it was; the next reconciliation reports the
// change again.
func TestTrackerApplyFailureIsReconciled(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		fail := true
		var mu sync.Mutex
		log := &changeLog{}
		r := newRig(t, fake, link, webhook.TrackerConfig{Apply: func(ctx context.Context, c snapshot.Change) error {
			mu.Lock()
			defer mu.Unlock()
			if fail {
				fail = false
				return errors.New("the account service is down")
			}
			return log.apply(ctx, c)
		}})
		defer r.close()
		who := plain(fake.Company())[0]
		r.mutate(func(c *personiotest.Company) error { c.Person(who).FirstName = "Later"; return nil })
		r.settle()
		if u := r.tracker.Unresolved(); !cmp.Equal(u, []string{id(who)}) || len(log.take()) != 0 {
			t.Fatalf("after a failed Apply: unresolved %q", u)
		}
		if n, err := r.tracker.Reconcile(r.ctx); n != 1 || err != nil {
			t.Fatalf("Reconcile: %d, %v", n, err)
		}
		r.settle()
		if diff := cmp.Diff([]string{"changed " + id(who) + " first_name,display_name"}, log.take()); diff != "" {
			t.Errorf("after Reconcile (-want +got):\n%s", diff)
		}
		if u := r.tracker.Unresolved(); len(u) != 0 {
			t.Errorf("still unresolved: %q", u)
		}
	})
}

// An employment event whose payload names no person is reported with ErrNoPerson.
func TestTrackerEmploymentEventWithoutPerson(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{})
		defer r.close()
		if _, err := r.client.SendWebhookTestEvent(r.ctx, r.hookID, &personio.WebhookTestEvent{
			EventName: webhook.EmploymentUpdated, Payload: []byte(`{"employment":{"id":"e-1"}}`)}); err != nil {
			t.Fatal(err)
		}
		r.settle()
		ids, errs := r.errs.all()
		if len(errs) != 1 || ids[0] != "" || !errors.Is(errs[0], webhook.ErrNoPerson) {
			t.Errorf("reported %q %v, want one ErrNoPerson", ids, errs)
		}
		if got := r.log.take(); len(got) != 0 {
			t.Errorf("changes: %q", got)
		}
	})
}

// Reconcile refuses a listing that would make most people leave (snapshot.Diff's safety
// check), and queues nothing.
func TestTrackerReconcileRefusesMassLeaving(t *testing.T) {
	t.Parallel()
	link := &receiverLink{}
	fake := newFake(t, link)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fake, link, webhook.TrackerConfig{Options: []snapshot.Option{snapshot.MaxLeaverShare(0.2)}})
		defer r.close()
		fake.SetWebhookDelivery(personiotest.WebhookDelivery{Hold: true})
		r.mutate(func(c *personiotest.Company) error {
			for _, id := range plain(c)[:4] {
				if err := c.Remove(id); err != nil {
					return err
				}
			}
			return nil
		})
		n, err := r.tracker.Reconcile(r.ctx)
		if !errors.Is(err, snapshot.ErrTooManyLeavers) || n != 0 {
			t.Errorf("Reconcile: %d, %v; want ErrTooManyLeavers", n, err)
		}
		r.settle()
		if got := r.log.take(); len(got) != 0 {
			t.Errorf("changes: %q", got)
		}
	})
}
