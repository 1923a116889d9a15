package webhook_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/hrisconnect/hrisconnect/personio/webhook"
)

// Receive Personio's deliveries on an http.ServeMux and handle them on a goroutine of
// your own. Here the token is the one set on the webhook with
// personio.Client.CreateWebhook (AuthType TOKEN), and a test server stands in for your
// HTTPS endpoint.
func ExampleReceiver() {
	const token = "Bearer 6c1f4b8e-example-token"
	rcv, err := webhook.New(webhook.Config{
		Auth:      webhook.Auth{Type: webhook.AuthToken, Token: token},
		CompanyID: "4711",
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /personio/webhook", rcv)
	srv := httptest.NewServer(mux)

	// The consumer: the receiver has already answered Personio when an event arrives
	// here, so this may take its time (fetch the person, update the account, ...).
	handled := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range rcv.Events() {
			id, _ := ev.Resource("person")
			handled <- fmt.Sprintf("%s: person %s of company %s, at %s", ev.Name, id, ev.CompanyID, ev.OccurredAt.Format("15:04:05"))
		}
	}()

	// What Personio sends.
	body := `{"company_id":"4711","event_name":"person.created","occurred_at":"2025-03-01T10:15:30Z","payload":{"person":{"id":"123"}}}`
	for _, auth := range []string{token, "Bearer guessed"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/personio/webhook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
	}
	fmt.Println(<-handled)

	// Shutting down: stop the server first, then close the queue; the consumer ends
	// once it has read what is left.
	srv.Close()
	rcv.Close()
	<-done
	// Output:
	// 202 Accepted
	// 401 Unauthorized
	// person.created: person 123 of company 4711, at 10:15:30
}
