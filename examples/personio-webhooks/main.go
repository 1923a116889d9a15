// Command personio-webhooks follows a Personio company through webhooks and prints the
// changes as they happen: joiners, movers, leavers and other changes, the values a
// nightly snapshot diff reports, within moments instead of the next morning.
//
//	go run ./examples/personio-webhooks
//
// It runs against the in-process fake Personio (personiotest), which delivers webhook
// events like Personio does, so it needs no credentials and exits within seconds:
//
//  1. It starts an HTTPS endpoint with a webhook.Receiver (on loopback here; in
//     production, your public HTTPS URL), reads the directory once (snapshot.Take) and
//     subscribes the endpoint to person and employment events (CreateWebhook).
//  2. A webhook.Tracker turns each event into a change: it fetches the person the event
//     names and compares the record with the last one it knows.
//  3. It changes the fake company the way HR does: a hire, a rename, a job change, a
//     termination and a deleted record. The job change prints nothing: Personio fires
//     no event for it.
//  4. A reconciliation (Tracker.Reconcile: a full listing compared with the tracker's
//     state) then finds the job change.
//
// Against Personio the calls are the same: personio.New with your credentials and the
// default BaseURL, a public HTTPS URL for CreateWebhook, and no Mutate; see
// docs/events.md for catch-up after downtime and how often to reconcile.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/personio/webhook"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { cli.Main("personio-webhooks", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := cli.NewFlagSet("personio-webhooks", "Follows a fake Personio company through webhooks and prints the changes as they happen.")
	seed := fs.Uint64("seed", cli.SampleSeed, "seed of the fake company")
	people := fs.Int("people", cli.SampleSize, fmt.Sprintf("people in the fake company (10 to %d)", cli.MaxPeople))
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if *people < 10 || *people > cli.MaxPeople {
		return cli.Usagef("-people %d: want 10 to %d (the fake holds the generated company in memory)", *people, cli.MaxPeople)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	// The receiving end: an HTTPS endpoint. Personio delivers only to HTTPS URLs and
	// does not follow redirects.
	mux := http.NewServeMux()
	endpoint := httptest.NewTLSServer(mux)
	defer endpoint.Close()

	// The fake Personio, delivering to the endpoint (its client trusts the endpoint's
	// test certificate).
	fake := personiotest.NewServer(personiotest.WithGenerated(*seed, *people),
		personiotest.WithWebhookClient(endpoint.Client()))
	defer fake.Close()

	// The fake's credential, URL and HTTP client, without a rate limit (the fake has
	// none). Against Personio: personio.Config{ClientID: ..., ClientSecret: ...}.
	client, err := personio.New(fake.ClientConfig())
	if err != nil {
		return err
	}
	dir := client.Directory(personio.WithV2())

	// The state the tracker starts from: the directory as it is now. A service keeps
	// tracker.State() with snapshot.Save and starts from snapshot.Load next time.
	state, err := snapshot.Take(ctx, dir, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "read %d people; subscribing %s\n", len(state.Users), endpoint.URL)

	// The receiver checks the token Personio sends with each delivery, and answers at
	// once; the events go to the tracker through its queue.
	token := "Bearer " + rand.Text()
	rcv, err := webhook.New(webhook.Config{
		Auth:      webhook.Auth{Type: webhook.AuthToken, Token: token},
		CompanyID: fake.CompanyID(),
	})
	if err != nil {
		return err
	}
	mux.Handle("POST /personio/webhook", rcv)
	hook, err := client.CreateWebhook(ctx, &personio.CreateWebhookOptions{
		URL:         endpoint.URL + "/personio/webhook",
		Description: "provisioning: joiners, movers, leavers",
		EnabledEvents: []string{
			webhook.PersonCreated, webhook.PersonUpdated, webhook.PersonDeleted,
			webhook.EmploymentCreated, webhook.EmploymentUpdated, webhook.EmploymentDeleted,
		},
		AuthType: personio.WebhookAuthToken,
		Token:    token,
	})
	if err != nil {
		return err
	}
	defer func() {
		if derr := client.DeleteWebhook(context.WithoutCancel(ctx), hook.ID); err == nil {
			err = derr
		}
	}()

	// The tracker: every change goes to apply, which here prints it.
	out := &printer{w: stdout}
	tracker, err := webhook.NewTracker(webhook.TrackerConfig{
		Directory: dir,
		State:     state,
		Apply:     out.apply,
		OnError:   func(id string, err error) { fmt.Fprintf(stderr, "person %q: %v\n", id, err) },
	})
	if err != nil {
		return err
	}
	runErr := make(chan error, 1)
	go func() { runErr <- tracker.Run(ctx, rcv.Events()) }()
	defer func() {
		// Shutting down: stop taking deliveries, then let the tracker finish.
		endpoint.Close()
		_ = rcv.Close()
		if rerr := <-runErr; err == nil {
			err = rerr
		}
	}()

	// HR at work. After each change the program waits until the fake has delivered its
	// events and the tracker has processed them, only so that the output comes in order.
	for _, step := range sampleChanges(fake.Company()) {
		if err := out.heading(step.what); err != nil {
			return err
		}
		var merr error
		fake.Mutate(func(c *personiotest.Company) { merr = step.change(c) })
		if merr != nil {
			return merr
		}
		if err := fake.WaitWebhooks(ctx); err != nil {
			return err
		}
		if err := tracker.Flush(ctx); err != nil {
			return err
		}
	}

	// What webhooks do not report: a reconciliation lists everyone and compares.
	if err := out.heading("reconciliation (a full listing compared with the tracker's state)"); err != nil {
		return err
	}
	if _, err := tracker.Reconcile(ctx); err != nil {
		return err
	}
	if err := tracker.Flush(ctx); err != nil {
		return err
	}
	return out.err()
}

// step is one change of the fake company.
type step struct {
	what   string
	change func(c *personiotest.Company) error
}

// sampleChanges picks four active employees without reports and returns the changes:
// a hire, a rename, a job change, a termination and a deleted record.
func sampleChanges(c *personiotest.Company) []step {
	var picks []fakecompany.Person
	var latest time.Time
	for _, p := range c.People {
		if p.Status == unified.StatusActive && p.SupervisorID != 0 && len(c.DirectReports(p.ID)) == 0 {
			picks = append(picks, p)
		}
		if p.UpdatedAt.After(latest) {
			latest = p.UpdatedAt
		}
	}
	when := latest.Add(time.Hour)
	renamed, promoted, leaver, deleted := picks[0], picks[1], picks[2], picks[3]
	boss := c.People[0]
	return []step{
		{"hire: Lina Hartmann", func(c *personiotest.Company) error {
			_, err := c.Hire(fakecompany.Person{FirstName: "Lina", LastName: "Hartmann", Gender: fakecompany.GenderFemale,
				Position: "Data Engineer", DepartmentID: boss.DepartmentID, SupervisorID: boss.ID,
				HireDate: fakecompany.DefaultToday(), CreatedAt: when})
			return err
		}},
		{"rename: " + renamed.FirstName + " " + renamed.LastName + " goes by Alex", func(c *personiotest.Company) error {
			p := c.Person(renamed.ID)
			p.FirstName, p.UpdatedAt = "Alex", when
			return nil
		}},
		{"job change: " + promoted.FirstName + " " + promoted.LastName + " becomes Principal " + promoted.Position +
			" (Personio fires no event)", func(c *personiotest.Company) error {
			p := c.Person(promoted.ID)
			p.Position, p.UpdatedAt = "Principal "+promoted.Position, when
			return nil
		}},
		{"termination: " + leaver.FirstName + " " + leaver.LastName, func(c *personiotest.Company) error {
			return c.Terminate(leaver.ID, fakecompany.DefaultToday(), when)
		}},
		{"deleted record: " + deleted.FirstName + " " + deleted.LastName, func(c *personiotest.Company) error {
			return c.Remove(deleted.ID)
		}},
	}
}

// printer writes headings and changes, and keeps the first write error.
type printer struct {
	mu   sync.Mutex
	w    io.Writer
	werr error
}

func (p *printer) write(format string, args ...any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.werr == nil {
		if _, err := fmt.Fprintf(p.w, format, args...); err != nil {
			p.werr = fmt.Errorf("writing the output: %w", err)
		}
	}
	return p.werr
}

func (p *printer) heading(what string) error { return p.write("== %s\n", what) }

func (p *printer) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.werr
}

// apply prints a change: "joined  10026 Lina Hartmann", "moved   10007 Alex Krause:
// title "X" → "Y"", "left    10009 Lea Ali (deactivated)". A provisioning tool creates,
// updates or deactivates the account here, idempotently by c.Key().
func (p *printer) apply(_ context.Context, c snapshot.Change) error {
	line := fmt.Sprintf("%-8s%s %s", c.Kind, c.User.ID, c.User.Name())
	var fields []string
	for _, f := range c.Fields {
		fields = append(fields, fmt.Sprintf("%s %q → %q", f.Field, f.Old, f.New))
	}
	switch {
	case c.Kind == snapshot.Left:
		line += " (" + c.Reason.String() + ")"
	case len(fields) > 0:
		line += ": " + strings.Join(fields, ", ")
	}
	return p.write("%s\n", line)
}
