package hrisconnect_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/unified"
)

// List the active people of a Personio account with their department and manager. The
// same loop reads Lattice with lattice.New(lattice.Config{APIKey: ...}); every error is
// typed (errors.Is(err, unified.ErrRateLimited), errors.As(err, &apiErr)).
func Example() {
	ctx := context.Background()
	client, err := personio.New(personio.Config{
		ClientID:     os.Getenv("PERSONIO_CLIENT_ID"),
		ClientSecret: os.Getenv("PERSONIO_CLIENT_SECRET"),
	})
	if err != nil {
		log.Fatal(err)
	}
	opts := &unified.ListOptions{Filter: unified.Filter{Statuses: []unified.Status{unified.StatusActive}}}
	for u, err := range unified.Users(ctx, client.Directory(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.Name(), u.Email, u.Department, u.Manager)
	}
}
