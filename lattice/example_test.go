package lattice_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Listing the users of a Lattice directory as unified users. The fake server stands in
// for Lattice; with a real key, New(lattice.Config{APIKey: key}) is all it takes.
func Example() {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, 25))
	defer srv.Close()

	c, err := lattice.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	// Managers' names and emails cost a request for each manager not listed yet: ask for
	// them with WithManagerNames, else references carry the manager's ID only.
	for u, err := range unified.Users(ctx, c.Directory(lattice.WithManagerNames()), nil) {
		if err != nil {
			log.Fatal(err)
		}
		if n++; n <= 3 {
			fmt.Printf("%s <%s> %s, %s", u.DisplayName, u.Email, u.Status, u.Department)
			if u.Manager != nil {
				fmt.Printf(", reports to %s <%s>", u.Manager.Name, u.Manager.Email)
			}
			fmt.Println()
		}
	}
	fmt.Println(n, "users")
	// Output:
	// Robin Neumann <robin.neumann@nordlicht-software.example> active, Management
	// Anna García <anna.garcia@nordlicht-software.example> active, Sales, reports to Robin Neumann <robin.neumann@nordlicht-software.example>
	// Tobias Ferrari <tobias.ferrari@nordlicht-software.example> active, Marketing, reports to Chris Martínez <christoph.martinez@nordlicht-software.example>
	// 25 users
}

// Finding the leavers: Lattice deactivates people, and the directory lists them (with
// their last manager) when asked for inactive users. The status filter is sent to the API.
func ExampleDirectory_leavers() {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, 100))
	defer srv.Close()
	c, err := lattice.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	leavers, err := unified.All(context.Background(), c.Directory(lattice.WithManagerNames()), &unified.ListOptions{
		Filter: unified.Filter{Statuses: []unified.Status{unified.StatusInactive}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range leavers[:3] {
		fmt.Printf("%s (%s), started %s, managed by %s\n", u.DisplayName, u.Email, u.StartDate, u.Manager)
	}
	fmt.Println(len(leavers), "leavers")
	// Output:
	// Björn Sommer (bjoern.sommer@nordlicht-software.example), started 2018-09-03, managed by Luki Wiśniewski-Sommer
	// Élodie Costa (elodie.costa@nordlicht-software.example), started 2019-03-01, managed by Sascha Hofmann
	// Lotte Bianchi (charlotte.bianchi@nordlicht-software.example), started 2019-08-30, managed by João Schneider
	// 8 leavers
}

// Reading custom attributes: they cost one request per user, so the directory loads them
// only on request. Values are keyed by attribute id and labelled with the attribute's name
// (a spec given with WithSpec can also name them, to map one onto a standard field).
func ExampleWithCustomAttributes() {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, 4))
	defer srv.Close()
	c, err := lattice.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	d := c.Directory(lattice.WithCustomAttributes(), lattice.WithConcurrency(2))
	u, err := d.GetUser(context.Background(), srv.MeID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.DisplayName)
	var lines []string
	for _, v := range u.Custom {
		lines = append(lines, fmt.Sprintf("  %s (%s): %s", v.Label, v.Kind, v))
	}
	slices.Sort(lines)
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// Robin Neumann
	//   Anniversary Date (date): 2017-04-26
	//   Favourite food (text): Currywurst
	//   IBAN (text): DE32 7143 9494 2724 6752 85
	//   Job level (text): L8
	//   Number of children (number): 4
	//   Remote days per week (number): 2.5
	//   T-shirt size (text): XL
}

// The typed API: every user of every status, 100 per request, with the API's own field
// names and reference stubs.
func ExampleClient_Users() {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, 120))
	defer srv.Close()
	c, err := lattice.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	count := map[string]int{}
	for u, err := range c.Users(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		count[u.Status]++
	}
	fmt.Println(count)
	// Output:
	// map[ACTIVE:102 CREATED:5 DEACTIVATED:10 INVITED:3]
}

// Reading a user's custom attribute values with the typed API.
func ExampleClient_CustomAttributesIter() {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, 4))
	defer srv.Close()
	c, err := lattice.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	me, err := c.Me(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for v, err := range c.CustomAttributesIter(ctx, me.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (%s) = %s\n", v.Attribute.Name, v.Attribute.Type, v.Text())
	}
	// Output:
	// IBAN (TEXT) = DE32 7143 9494 2724 6752 85
	// Anniversary Date (DATE) = 2017-04-26
	// T-shirt size (SINGLE_SELECT) = XL
	// Favourite food (TEXT) = Currywurst
	// Number of children (NUMBER) = 4
	// Remote days per week (NUMBER) = 2.5
	// Job level (SINGLE_SELECT) = L8
}
