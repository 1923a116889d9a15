package conformance

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// maxErrorLen bounds the text of the common failures.
const maxErrorLen = 200

// TestErrorText pins the exact text of the failures users meet most, for both providers
// (Personio through v1 and v2): one provider prefix, the method and path of the request
// that failed (no query), the cause last, then what to do; a network failure reads as one,
// and nothing is longer than maxErrorLen. Each error also matches its sentinel.
func TestErrorText(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() // nothing listens here once closed
	ln.Close()

	type result struct {
		Text   string
		Is     bool // matches the case's sentinel
		Prefix int  // provider prefixes in the text
	}
	tests := []struct {
		name     string
		sentinel error
		// run makes the failing call against a fake of tgt, with 2 attempts per call.
		run  func(t *testing.T, tgt target) error
		want map[target]string
	}{
		{
			name:     "connection refused",
			sentinel: unified.ErrUnavailable,
			run: func(t *testing.T, tgt target) error {
				f := newFake(t, tgt)
				s := f.config()
				s.BaseURL, s.MaxAttempts = refused, 2
				_, err := mustClient(t, f, s).dir(options{}).ListUsers(t.Context(), nil)
				return err
			},
			want: map[target]string{
				personioV1: "personio: POST /v1/auth: connection refused (after 2 attempts)",
				// A v2 listing reads the v1 attribute catalog (the labels of custom attributes)
				// before its first persons page: its first request is the v1 token's.
				personioV2: "personio: POST /v1/auth: connection refused (after 2 attempts)",
				latticeAPI: "lattice: GET /v1/users: connection refused (after 2 attempts)",
			},
		},
		{
			name:     "wrong secret or API key",
			sentinel: unified.ErrUnauthorized,
			run: func(t *testing.T, tgt target) error {
				f := newFake(t, tgt)
				s := f.config()
				s.MaxAttempts = 2
				var d unified.Directory
				if tgt.personio() {
					cfg := s.personio(f.ps.ClientConfig())
					cfg.ClientSecret = "not-the-secret"
					c, err := personio.New(cfg)
					if err != nil {
						t.Fatal(err)
					}
					d = c.Directory()
					if tgt == personioV2 {
						d = c.Directory(personio.WithV2())
					}
				} else {
					cfg := s.lattice(f.ls.ClientConfig())
					cfg.APIKey = "not-the-key"
					c, err := lattice.New(cfg)
					if err != nil {
						t.Fatal(err)
					}
					d = c.Directory()
				}
				_, err := d.ListUsers(t.Context(), nil)
				return err
			},
			want: map[target]string{
				personioV1: "personio: POST /v1/auth: 401 Unauthorized: Wrong credentials: check Config.ClientID and Config.ClientSecret (Settings → Integrations → API credentials)",
				personioV2: "personio: POST /v2/auth/token: 400 Bad Request (unauthorized_client): check Config.ClientID and Config.ClientSecret, and that the credentials are enabled for API v2",
				latticeAPI: "lattice: GET /v1/users: 401 Unauthorized: the API key is not valid (after 2 attempts); check Config.APIKey (Admin > Settings > Platform > API keys; a deleted key stops working)",
			},
		},
		{
			// Personio v1: 403 on the attribute catalog (the Directory then maps with the
			// built-in catalog and logs a warning; the typed call reports it). Personio v2:
			// credentials without the persons scope. Lattice: a key that cannot read
			// departments.
			name:     "permission missing",
			sentinel: unified.ErrForbidden,
			run: func(t *testing.T, tgt target) error {
				switch tgt {
				case personioV1:
					f := newFake(t, tgt)
					f.inject(fakeserver.Fault{Path: "/v1/company/employees/attributes", Status: http.StatusForbidden, Times: -1,
						Header: http.Header{"Content-Type": {"application/json"}},
						Body:   `{"success":false,"error":{"code":403,"message":"The API credentials have no access to employee data"}}`})
					c, err := personio.New(f.config().personio(f.ps.ClientConfig()))
					if err != nil {
						t.Fatal(err)
					}
					_, err = c.Attributes(t.Context())
					return err
				case personioV2:
					f := newFakeWith(t, tgt, []personiotest.Option{personiotest.WithScopes(personiotest.ScopeEmploymentsRead)}, nil)
					_, err := mustClient(t, f, f.config()).dir(options{}).ListUsers(t.Context(), nil)
					return err
				}
				f := newFake(t, tgt)
				cfg := f.config().lattice(f.ls.ClientConfig())
				cfg.APIKey = f.ls.RestrictedKey()
				c, err := lattice.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Directory().ListUsers(t.Context(), nil)
				return err
			},
			want: map[target]string{
				personioV1: "personio: GET /v1/company/employees/attributes: 403 Forbidden: The API credentials have no access to employee data",
				personioV2: "personio: GET /v2/persons: 403 Forbidden (commonforbidden): Insufficient access scope: Client scope insufficient to access resource (request id 14221480-93b6-43f0-a8f9-434e69cb458b)",
				latticeAPI: "lattice: GET /v1/departments: 403 Forbidden: the creator of this API key has no access to /v1/departments; keys have their creator's privileges: use a super admin's key, or WithoutDepartmentNames",
			},
		},
		{
			name:     "429 after the retries",
			sentinel: unified.ErrRateLimited,
			run: func(t *testing.T, tgt target) error {
				f := newFake(t, tgt)
				f.inject(fakeserver.Fault{Path: tgt.listPath(), Status: http.StatusTooManyRequests, Times: -1,
					Header: http.Header{"Retry-After": {"0"}}})
				s := f.config()
				s.MaxAttempts = 2
				_, err := mustClient(t, f, s).dir(options{}).ListUsers(t.Context(), nil)
				return err
			},
			want: map[target]string{
				personioV1: "personio: GET /v1/company/employees: 429 Too Many Requests (after 2 attempts)",
				personioV2: "personio: GET /v2/persons: 429 Too Many Requests (after 2 attempts)",
				latticeAPI: "lattice: GET /v1/users: 429 Too Many Requests (after 2 attempts)",
			},
		},
		{
			name:     "context canceled during a request",
			sentinel: context.Canceled,
			run: func(t *testing.T, tgt target) error {
				f := newFake(t, tgt)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				// The list request arrives, the caller gives up, the answer never comes.
				f.inject(fakeserver.Fault{Path: tgt.listPath(), Delay: time.Minute,
					Match: func(*http.Request) bool { cancel(); return true }})
				_, err := mustClient(t, f, f.config()).dir(options{}).ListUsers(ctx, nil)
				return err
			},
			want: map[target]string{
				personioV1: "personio: GET /v1/company/employees: context canceled",
				personioV2: "personio: GET /v2/persons: context canceled",
				latticeAPI: "lattice: GET /v1/users: context canceled",
			},
		},
		{
			name:     "context canceled before the call",
			sentinel: context.Canceled,
			run: func(t *testing.T, tgt target) error {
				f := newFake(t, tgt)
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				_, err := mustClient(t, f, f.config()).dir(options{}).GetUser(ctx, f.anID())
				return err
			},
			want: map[target]string{personioV1: "context canceled", personioV2: "context canceled", latticeAPI: "context canceled"},
		},
		{
			name:     "body cut short",
			sentinel: unified.ErrUnavailable,
			run: func(t *testing.T, tgt target) error {
				f := newFake(t, tgt)
				f.inject(fakeserver.Fault{Path: tgt.listPath(), TruncateAfter: 100, Times: -1})
				s := f.config()
				s.MaxAttempts = 2
				_, err := mustClient(t, f, s).dir(options{}).ListUsers(t.Context(), nil)
				return err
			},
			want: map[target]string{
				personioV1: "personio: GET /v1/company/employees: response body cut short: unexpected EOF (after 2 attempts)",
				personioV2: "personio: GET /v2/persons: response body cut short: unexpected EOF (after 2 attempts)",
				latticeAPI: "lattice: GET /v1/users: response body cut short: unexpected EOF (after 2 attempts)",
			},
		},
	}
	for _, tt := range tests {
		for _, tgt := range targets {
			t.Run(tt.name+"/"+string(tgt), func(t *testing.T) {
				t.Parallel()
				err := tt.run(t, tgt)
				if err == nil {
					t.Fatal("no error")
				}
				text := err.Error()
				want := result{Text: tt.want[tgt], Is: true, Prefix: 1}
				if tt.sentinel == context.Canceled && !strings.Contains(want.Text, ": ") {
					want.Prefix = 0 // the context's own error, as returned before any request
				}
				got := result{Text: text, Is: errors.Is(err, tt.sentinel), Prefix: strings.Count(text, tgt.prefix())}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if n := len([]rune(text)); n > maxErrorLen {
					t.Errorf("%d characters, want at most %d: %s", n, maxErrorLen, text)
				}
			})
		}
	}
}
