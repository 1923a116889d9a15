package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/webhook"
	"github.com/hrisconnect/hrisconnect/unified"
)

// TestHeaderRulesAgreeWithTheClient: a custom-header configuration the receiver accepts
// is one the management client lets through to Personio, and the other way round, so a
// receiver is never set up for headers a webhook cannot have.
func TestHeaderRulesAgreeWithTheClient(t *testing.T) {
	t.Parallel()
	client, err := personio.New(personio.Config{
		ClientID: "id", ClientSecret: "secret", BaseURL: "http://127.0.0.1:1",
		HTTPClient: &http.Client{Transport: refuse{}}, MaxAttempts: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, headers := range []map[string]string{
		{"X-Hook-Key": "v"},
		{"Authorization": "v"},
		{"X-A": "v", "X-B": "v", "X-C": "v"},
		{"X-A": "v", "X-B": "v", "X-C": "v", "X-D": "v"},
		{"X Key": "v"},
		{"X-Key": ""},
		{"X-Key": "a\nb"},
		{"Host": "v"}, {"host-x": "v"}, {"Content-Length": "v"}, {"Transfer-Encoding": "v"},
		{"Connection": "v"}, {"Upgrade": "v"}, {"TE": "v"}, {"Tenant": "v"}, {"Trailer": "v"},
		{"Expect": "v"}, {"Content-Type": "v"}, {"content-type-x": "v"},
		{"X-Host": "v"}, {"X-Content-Type": "v"},
	} {
		_, rcvErr := webhook.New(webhook.Config{Auth: webhook.Auth{Type: webhook.AuthCustom, Headers: headers}})
		_, cliErr := client.CreateWebhook(context.Background(), &personio.CreateWebhookOptions{
			URL: "https://h.example/x", Description: "d", EnabledEvents: []string{"person.created"},
			AuthType: personio.WebhookAuthCustom, CustomHeaders: headers,
		})
		receiverOK := rcvErr == nil
		clientOK := !errors.Is(cliErr, unified.ErrInvalidValue) // valid options reach the transport, which refuses
		if receiverOK != clientOK {
			t.Errorf("%q: receiver error %v, client error %v", headers, rcvErr, cliErr)
		}
	}
}

// refuse is a transport that sends nothing.
type refuse struct{}

func (refuse) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in this test")
}
