package personio_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// newClient returns a client of a fake Personio; with real credentials, only ClientID and
// ClientSecret are needed.
func newClient(srv *personiotest.Server) *personio.Client {
	c, err := personio.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// List the active people of a Personio account with their department and manager.
func ExampleClient_Directory() {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 30))
	defer srv.Close()
	client := newClient(srv)

	ctx := context.Background()
	opts := &unified.ListOptions{Filter: unified.Filter{Statuses: []unified.Status{unified.StatusActive}}}
	n := 0
	for u, err := range unified.Users(ctx, client.Directory(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		if n++; n > 4 {
			break
		}
		fmt.Printf("%s | %s | %s", u.DisplayName, u.Title, u.Department)
		if u.Manager != nil {
			fmt.Printf(" | reports to %s", u.Manager.Name)
		}
		fmt.Println()
	}
	// Output:
	// Robin Neumann | Chief Executive Officer | Management
	// Anna García | Head of Marketing | Marketing | reports to Robin Neumann
	// Tobias Ferrari | Head of Customer Support | Customer Support | reports to Robin Neumann
	// Henrik Köhler | Head of Product | Product | reports to Robin Neumann
}

// Read a custom attribute of the typed v1 API: every attribute, dynamic ones included,
// comes with its label (in the credentials' language), type and value.
func ExampleAttribute() {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 30), personiotest.WithLanguage("de"))
	defer srv.Close()
	client := newClient(srv)

	page, err := client.ListEmployees(context.Background(), &personio.ListEmployeesOptions{
		Attributes: []string{"first_name", "last_name", "dynamic_24407"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range page.Employees {
		title, ok := e.Attribute("dynamic_24407")
		if !ok || title.IsNull() {
			continue
		}
		text, err := title.Text()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s %s %s\n", title.Label, text, e.FirstName, e.LastName)
	}
	// Output:
	// Titel: Dr Kai Richter
	// Titel: Dr Lea Haas-Hoffmann
}

// Take the job title from a custom attribute instead of the position, by naming the
// attribute by its label.
func ExampleWithSpec() {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 30), personiotest.WithLanguage("de"))
	defer srv.Close()
	client := newClient(srv)

	spec := personio.DefaultSpec().With(mapping.Field{
		Target:  "title",
		Sources: []string{"Titel", "position"}, // the academic title if any, else the position
	})
	dir := client.Directory(personio.WithSpec(spec))
	for u, err := range unified.Users(context.Background(), dir, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if t, ok := u.Custom["dynamic_24407"]; ok {
			fmt.Printf("%s: title %q (custom attribute %q)\n", u.DisplayName, u.Title, t.Label)
		}
	}
	// Output:
	// Kai Richter: title "Dr" (custom attribute "Titel")
	// Lea Haas-Hoffmann: title "Dr" (custom attribute "Titel")
}
