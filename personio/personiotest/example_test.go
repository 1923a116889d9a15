package personiotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// v1Login authenticates with a form body and returns the token.
func v1Login(s *personiotest.Server) (string, error) {
	resp, err := s.Client().PostForm(s.URL+"/v1/auth", url.Values{"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var auth struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&auth); err != nil {
		return "", err
	}
	return auth.Data.Token, nil
}

// List every employee of a generated company with plain net/http, 50 per page.
func Example() {
	s := personiotest.NewServer(personiotest.WithGenerated(7, 120))
	defer s.Close()

	token, err := v1Login(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	seen := 0
	for offset := 0; ; offset += 50 {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/company/employees?limit=50&offset="+strconv.Itoa(offset), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		var page struct {
			Metadata struct {
				TotalElements int `json:"total_elements"`
				CurrentPage   int `json:"current_page"`
				TotalPages    int `json:"total_pages"`
			} `json:"metadata"`
			Data []json.RawMessage `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		seen += len(page.Data)
		fmt.Printf("page %d of %d: %d employees\n", page.Metadata.CurrentPage+1, page.Metadata.TotalPages, len(page.Data))
		if offset+50 >= page.Metadata.TotalElements {
			break
		}
	}
	fmt.Println("employees:", seen)
	fmt.Println("list requests:", s.Count(http.MethodGet, "/v1/company/employees"))
	// Output:
	// page 1 of 3: 50 employees
	// page 2 of 3: 50 employees
	// page 3 of 3: 20 employees
	// employees: 120
	// list requests: 3
}

// Inject a burst of gateway errors and watch the server recover.
func ExampleServer_Inject() {
	s := personiotest.NewServer(personiotest.WithGenerated(1, 10))
	defer s.Close()
	s.Inject(personiotest.Fault{
		Name:   "gateway",
		Path:   "/v1/company/employees",
		Times:  2,
		Status: http.StatusBadGateway,
		Header: http.Header{"Content-Type": {"text/html"}},
		Body:   "<html><body><h1>502 Bad Gateway</h1></body></html>",
	})
	token, err := v1Login(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/company/employees", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	for _, r := range s.Requests() {
		if r.Fault != "" {
			fmt.Println(r.Method, r.Path, r.Status, "fault:", r.Fault)
		} else {
			fmt.Println(r.Method, r.Path, r.Status)
		}
	}
	// Output:
	// 502
	// 502
	// 200
	// POST /v1/auth 200
	// GET /v1/company/employees 502 fault: gateway
	// GET /v1/company/employees 502 fault: gateway
	// GET /v1/company/employees 200
}

// Follow v2 cursors: the cursor travels only in _meta.links.next.href.
func Example_v2Persons() {
	s := personiotest.NewServer(personiotest.WithGenerated(3, 25))
	defer s.Close()

	resp, err := s.Client().PostForm(s.URL+"/v2/auth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret},
		"scope": {personiotest.ScopePersonsRead},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("token lifetime:", tok.ExpiresIn)

	href := s.URL + "/v2/persons?limit=10"
	for href != "" {
		req, _ := http.NewRequest(http.MethodGet, href, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := s.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		var page struct {
			Data []struct {
				ID string `json:"id"`
			} `json:"_data"`
			Meta struct {
				Links struct {
					Next *struct {
						Href string `json:"href"`
					} `json:"next"`
				} `json:"links"`
			} `json:"_meta"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		href = ""
		if page.Meta.Links.Next != nil {
			href = page.Meta.Links.Next.Href
		}
		fmt.Println("persons:", len(page.Data), "more:", href != "")
	}
	// Output:
	// token lifetime: 86400
	// persons: 10 more: true
	// persons: 10 more: true
	// persons: 5 more: false
}

// Reproduce a known bug of the real API on top of its normal behaviour.
func ExampleServer_SetQuirks() {
	s := personiotest.NewServer(personiotest.WithGenerated(1, 5))
	defer s.Close()
	q := s.Quirks()
	q.SelfReferencingNext = true
	s.SetQuirks(q)
	fmt.Println("self-referencing next links:", s.Quirks().SelfReferencingNext)
	fmt.Println("lower-case custom attribute types (as the real service):", s.Quirks().LowercaseCustomTypes)
	fmt.Println("same as the defaults:", s.Quirks() == personiotest.DefaultQuirks())
	// Output:
	// self-referencing next links: true
	// lower-case custom attribute types (as the real service): true
	// same as the defaults: false
}
