package personiotest_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"strconv"
	"testing"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// picture fetches a profile picture and checks that a 200 is a PNG of size×size.
func picture(t *testing.T, s *personiotest.Server, tok, path string, size int) response {
	t.Helper()
	r := get(t, s, tok, path)
	if r.status != http.StatusOK {
		return r
	}
	if ct := r.header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	img, err := png.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		t.Errorf("%s: %v, want %d×%d", path, b, size, size)
	}
	if h := r.header.Get("Authorization"); h != "" {
		t.Errorf("%s: the picture echoes Authorization %q", path, h)
	}
	return r
}

func TestProfilePicture(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 40))
	c := s.Company()
	tok := v1Token(t, s)
	v2 := v2Token(t, s, "")
	with, without := 0, 0
	var first []byte
	for i := range c.People {
		p := &c.People[i]
		id := strconv.Itoa(p.ID)
		// Every record links to the picture, v1 and v2 alike, in the form Personio
		// uses: …/v1/company/employees/{id}/profile-picture.
		link := pictureLink(t, s, tok, id)
		want := s.URL + "/v1/company/employees/" + id + "/profile-picture"
		var person struct {
			ProfilePicture struct{ URL string } `json:"profile_picture"`
		}
		mustDecode(t, get(t, s, v2, "/v2/persons/"+id), &person)
		if link != want || person.ProfilePicture.URL != want {
			t.Fatalf("%d: links %q and %q, want %q", p.ID, link, person.ProfilePicture.URL, want)
		}
		r := picture(t, s, tok, link+"/75", 75)
		if !personiotest.HasPicture(p.ID) {
			without++
			if r.status != http.StatusNotFound {
				t.Errorf("%d has no picture, got %d", p.ID, r.status)
			}
			continue
		}
		with++
		if r.status != http.StatusOK {
			t.Fatalf("%d: %d %s", p.ID, r.status, clip(r.body))
		}
		// The same picture at every request, another one for another person, the
		// original size without a width, never larger than the original.
		if again := picture(t, s, tok, link+"/75", 75); !bytes.Equal(again.body, r.body) {
			t.Errorf("%d: the picture changed between two requests", p.ID)
		}
		if first == nil {
			first = r.body
		} else if bytes.Equal(first, r.body) {
			t.Errorf("%d has the same picture as the first person", p.ID)
		}
		if with == 1 {
			picture(t, s, tok, link, 256)
			picture(t, s, tok, link+"/1", 1)
			picture(t, s, tok, link+"/5000", 256)
		}
	}
	if with < 30 || without == 0 {
		t.Errorf("%d people with a picture, %d without", with, without)
	}

	// 404 with the message of Personio's example, for an unknown person, a bad width and
	// a credential that may not read the picture; 401 without a token.
	pid := strconv.Itoa(c.People[0].ID)
	for _, path := range []string{"/v1/company/employees/99999999/profile-picture/75",
		"/v1/company/employees/" + pid + "/profile-picture/0", "/v1/company/employees/" + pid + "/profile-picture/wide",
		"/v1/company/employees/" + pid + "/profile-picture/-5", "/v1/company/employees/ten/profile-picture"} {
		r := get(t, s, tok, path)
		var e struct {
			Success bool
			Error   struct {
				Code    int
				Message string
			}
		}
		mustDecode(t, r, &e)
		if r.status != http.StatusNotFound || e.Success || e.Error.Code != 404 || e.Error.Message != "Etwas ist schiefgelaufen ..." {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	if r := call(t, s, http.MethodGet, "/v1/company/employees/"+pid+"/profile-picture/75", nil, ""); r.status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", r.status)
	}
	hidden := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 40), personiotest.WithAttributes("first_name"))
	if r := get(t, hidden, v1Token(t, hidden), "/v1/company/employees/"+pid+"/profile-picture/75"); r.status != http.StatusNotFound {
		t.Errorf("profile_picture not whitelisted: %d", r.status)
	}
}

// pictureLink returns the profile_picture value of employee id's v1 record.
func pictureLink(t *testing.T, s *personiotest.Server, tok, id string) string {
	t.Helper()
	var one struct {
		Data v1Employee `json:"data"`
	}
	mustDecode(t, get(t, s, tok, "/v1/company/employees/"+id), &one)
	var link string
	if err := json.Unmarshal(one.Data.Attributes["profile_picture"].Value, &link); err != nil {
		t.Fatalf("%s: profile_picture %s", id, one.Data.Attributes["profile_picture"].Value)
	}
	return link
}

// TestProfilePictureKeepsRotatingToken checks that under legacy rotation a picture
// neither consumes the token nor hands out a new one, as Personio's picture answers
// carry none.
func TestProfilePictureKeepsRotatingToken(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 40), personiotest.WithLegacyTokenRotation())
	c := s.Company()
	id := 0
	for i := range c.People {
		if personiotest.HasPicture(c.People[i].ID) {
			id = c.People[i].ID
			break
		}
	}
	tok := v1Token(t, s)
	picture(t, s, tok, "/v1/company/employees/"+strconv.Itoa(id)+"/profile-picture/40", 40)
	r := get(t, s, tok, "/v1/company/employees/"+strconv.Itoa(id))
	if r.status != http.StatusOK || r.header.Get("Authorization") == "Bearer "+tok {
		t.Fatalf("after a picture, the token gives %d with Authorization %q", r.status, r.header.Get("Authorization"))
	}
	// The employee request consumed it.
	if r := get(t, s, tok, "/v1/company/employees/"+strconv.Itoa(id)+"/profile-picture/40"); r.status != http.StatusUnauthorized {
		t.Errorf("a consumed token gives the picture: %d", r.status)
	}
}
