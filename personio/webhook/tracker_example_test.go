package webhook_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/personio/webhook"
	"github.com/hrisconnect/hrisconnect/snapshot"
)

// Follow a Personio company through webhooks: a receiver on an HTTPS endpoint, a webhook
// subscribed to it, and a tracker that turns each event into a snapshot.Change. Here a
// fake Personio (personiotest) stands in for the real one and hires someone.
func ExampleTracker() {
	ctx := context.Background()
	mux := http.NewServeMux()
	endpoint := httptest.NewTLSServer(mux) // your public HTTPS URL
	defer endpoint.Close()
	fake := personiotest.NewServer(personiotest.WithGenerated(1, 10), personiotest.WithWebhookClient(endpoint.Client()))
	defer fake.Close()

	client, err := personio.New(fake.ClientConfig()) // with real credentials: personio.Config{ClientID: ..., ClientSecret: ...}
	if err != nil {
		log.Fatal(err)
	}
	dir := client.Directory(personio.WithV2())
	state, err := snapshot.Take(ctx, dir, nil) // or snapshot.Load of tracker.State() saved earlier
	if err != nil {
		log.Fatal(err)
	}

	const token = "Bearer example-webhook-token"
	rcv, err := webhook.New(webhook.Config{Auth: webhook.Auth{Type: webhook.AuthToken, Token: token}, CompanyID: fake.CompanyID()})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("POST /personio/webhook", rcv)
	if _, err := client.CreateWebhook(ctx, &personio.CreateWebhookOptions{
		URL: endpoint.URL + "/personio/webhook", Description: "provisioning",
		EnabledEvents: []string{webhook.PersonCreated, webhook.PersonUpdated, webhook.PersonDeleted,
			webhook.EmploymentCreated, webhook.EmploymentUpdated, webhook.EmploymentDeleted},
		AuthType: personio.WebhookAuthToken, Token: token,
	}); err != nil {
		log.Fatal(err)
	}

	tracker, err := webhook.NewTracker(webhook.TrackerConfig{
		Directory: dir,
		State:     state,
		Apply: func(ctx context.Context, c snapshot.Change) error {
			// Create, update or deactivate the account here, idempotently by c.Key().
			fmt.Println(c.Kind, c.User.ID, c.User.Name())
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- tracker.Run(ctx, rcv.Events()) }()

	fake.Mutate(func(c *personiotest.Company) {
		if _, err := c.Hire(fakecompany.Person{FirstName: "Lina", LastName: "Hartmann", Position: "Data Engineer",
			SupervisorID: c.People[0].ID, HireDate: fakecompany.DefaultToday()}); err != nil {
			log.Fatal(err)
		}
	})

	// Only a demonstration waits: for the fake's deliveries, then for the tracker.
	if err := fake.WaitWebhooks(ctx); err != nil {
		log.Fatal(err)
	}
	if err := tracker.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	// Shutting down: stop the endpoint, close the queue, let the tracker finish.
	endpoint.Close()
	rcv.Close()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	// Output:
	// joined 10012 Lina Hartmann
}
