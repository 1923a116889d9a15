package latticetest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// Lists every user of a generated company, whatever their status, with plain net/http.
func Example() {
	srv := latticetest.NewServer(latticetest.WithGenerated(42, 250))
	defer srv.Close()

	var users []string
	cursor := ""
	pages := 0
	for {
		q := url.Values{"limit": {"100"}, "status": {"NULL"}}
		if cursor != "" {
			q.Set("startingAfter", cursor)
		}
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/users?"+q.Encode(), nil)
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		var page struct {
			HasMore      bool    `json:"hasMore"`
			EndingCursor *string `json:"endingCursor"`
			Data         []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			log.Fatal(err)
		}
		pages++
		for _, u := range page.Data {
			users = append(users, u.ID)
		}
		if !page.HasMore || page.EndingCursor == nil {
			break
		}
		cursor = *page.EndingCursor
	}
	fmt.Printf("%d users in %d pages; the company has %d people\n", len(users), pages, len(srv.Company().People))
	// Output: 250 users in 3 pages; the company has 250 people
}

// Injects a burst of two 503s, as a flaky upstream would answer.
func ExampleServer_Inject() {
	srv := latticetest.NewServer()
	defer srv.Close()
	srv.Inject(latticetest.Fault{Path: "/v1/me", Times: 2, Status: http.StatusServiceUnavailable})

	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("requests:", srv.Count(http.MethodGet, "/v1/me"))
	// Output:
	// 503
	// 503
	// 200
	// requests: 3
}

// Changes the company between two requests: the person's new title shows at once.
func ExampleServer_Mutate() {
	srv := latticetest.NewServer()
	defer srv.Close()
	id := srv.MeID()
	srv.Mutate(func(c *latticetest.Company) {
		for i := range c.People {
			if c.People[i].LatticeID == id {
				c.People[i].Position = "Chief People Officer"
			}
		}
	})

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/user/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := srv.Client().Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var u struct{ Title string }
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Title)
	// Output: Chief People Officer
}

// A key made by someone without access to departments gets 403 there.
func ExampleServer_RestrictedKey() {
	srv := latticetest.NewServer()
	defer srv.Close()
	for _, path := range []string{"/v1/users", "/v1/departments"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+srv.RestrictedKey())
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode)
	}
	// Output:
	// /v1/users 200
	// /v1/departments 403
}
