package personio_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/webhook"
)

// Subscribe an HTTPS endpoint to joiners, leavers and changes, with a token of your own
// that the receiver then checks. It needs API credentials holding the
// personio:webhooks:write scope, so it is not run here.
func ExampleClient_CreateWebhook() {
	client, err := personio.New(personio.Config{
		ClientID:     os.Getenv("PERSONIO_CLIENT_ID"),
		ClientSecret: os.Getenv("PERSONIO_CLIENT_SECRET"),
		Scopes:       []string{personio.ScopeWebhooksWrite, "personio:persons:read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Personio sends the token exactly as given in the Authorization header.
	token := "Bearer " + rand.Text()
	hook, err := client.CreateWebhook(context.Background(), &personio.CreateWebhookOptions{
		URL:         "https://provisioning.example.com/personio/webhook",
		Description: "account provisioning",
		EnabledEvents: []string{
			"person.created", "person.updated", "person.deleted",
			"employment.created", "employment.updated", "employment.deleted",
			"employment.started", "employment.terminated",
		},
		// Status is left out: the request says ENABLED (Personio's own default,
		// DISABLED, would deliver nothing).
		AuthType: personio.WebhookAuthToken,
		Token:    token,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", hook) // the token prints as [REDACTED]

	// The receiver checks every delivery for the same token.
	rcv, err := webhook.New(webhook.Config{Auth: webhook.Auth{Type: webhook.AuthToken, Token: token}})
	if err != nil {
		log.Fatal(err)
	}
	_ = rcv // mount it on your HTTPS server, see webhook.ExampleReceiver
}

// Catch up after downtime: the Events API keeps every event of the last 30 days,
// delivered or not. It needs the personio:webhooks:read scope, so it is not run here.
func ExampleClient_WebhookEvents() {
	client, err := personio.New(personio.Config{
		ClientID:     os.Getenv("PERSONIO_CLIENT_ID"),
		ClientSecret: os.Getenv("PERSONIO_CLIENT_SECRET"),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	lastSeen := time.Now().Add(-2 * time.Hour) // from your own store
	opts := &personio.ListWebhookEventsOptions{OccurredFrom: lastSeen}
	for ev, err := range client.WebhookEvents(ctx, os.Getenv("PERSONIO_WEBHOOK_ID"), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.OccurredAt.Format(time.RFC3339), ev.EventName, string(ev.Payload))
	}
}
