package fakes_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/hrisconnect/hrisconnect/examples/fakes"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Test your code against the fake Personio: a generated company of 40 people, then a
// rate limit that outlasts the client's retries.
func Example() {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 40))
	defer srv.Close()
	cfg := srv.ClientConfig() // credentials, URL and HTTP client of the fake
	cfg.MaxAttempts = 1       // no retries: a fault reaches your code at once
	client, err := personio.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	counts, err := fakes.Headcount(ctx, client.Directory())
	fmt.Println(counts["Engineering"], "active in Engineering;", err)

	srv.Inject(personiotest.Fault{Path: "/v1/company/employees", Status: http.StatusTooManyRequests})
	_, err = fakes.Headcount(ctx, client.Directory())
	fmt.Println(errors.Is(err, unified.ErrRateLimited), err)
	// Output:
	// 11 active in Engineering; <nil>
	// true personio: GET /v1/company/employees: 429 Too Many Requests
}
