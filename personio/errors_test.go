package personio

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestDecodeError(t *testing.T) {
	t.Parallel()
	type out struct{ Code, Message, RequestID string }
	tests := []struct {
		name string
		body string
		want out
	}{
		{"v1 envelope", `{"success":false,"error":{"code":401,"message":"Wrong credentials"}}`,
			out{Code: "401", Message: "Wrong credentials"}},
		{"v1 German 404 with trailing space", `{"success":false,"error":{"code":404,"message":"Es ist ein Problem aufgetreten "}}`,
			out{Code: "404", Message: "Es ist ein Problem aufgetreten"}},
		{"v1 code as string", `{"success":false,"error":{"code":"429","message":"Too Many Requests"}}`,
			out{Code: "429", Message: "Too Many Requests"}},
		{"v1 code zero", `{"success":false,"error":{"code":0,"message":"The token has been blacklisted"}}`,
			out{Message: "The token has been blacklisted"}},
		{"v2 problem+json", `{"personio_trace_id":"aswo3f-a202","timestamp":"2021-05-28T11:17:30+00:00","errors":[{"title":"Resource not found","detail":"There is no resource for the specified id.","type":"https://developer.personio.de/reference/errors#common.resource_not_found","_meta":{}}]}`,
			out{Code: "common.resource_not_found", Message: "Resource not found: There is no resource for the specified id.", RequestID: "aswo3f-a202"}},
		{"v2 two problems", `{"personio_trace_id":"t","errors":[{"title":"Bad request","detail":"a","type":"https://x/errors#common.bad_request"},{"title":"Bad request","detail":"b"}]}`,
			out{Code: "common.bad_request", Message: "Bad request: a; Bad request: b", RequestID: "t"}},
		{"v2 scope", `{"personio_trace_id":"t2","errors":[{"title":"Insufficient access scope","detail":"Client scope insufficient to access resource","type":"https://developer.personio.de/v2.0/page/public-api-error-codes#commonforbidden"}]}`,
			out{Code: "commonforbidden", Message: "Insufficient access scope: Client scope insufficient to access resource", RequestID: "t2"}},
		{"oauth2", `{"timestamp":"2023-03-01T14:07:17Z","trace_id":"baaaaaad","error":"invalid_request","error_description":"The request has missing or invalid required parameters.","error_uri":"https://developer.personio.de/reference/errors#credentials.oauth2.invalid_request.required_parameters_missing"}`,
			out{Code: "invalid_request", Message: "The request has missing or invalid required parameters.", RequestID: "baaaaaad"}},
		{"html gateway page", `<html><body>502 Bad Gateway</body></html>`, out{}},
		{"broken json", `{"error":`, out{}},
		{"empty", ``, out{}},
		{"plain message", `{"message":"Too many requests"}`, out{Message: "Too many requests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &unified.APIError{}
			DecodeError(e, []byte(tt.body))
			if diff := cmp.Diff(tt.want, out{e.Code, e.Message, e.RequestID}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthErrorIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		rejected bool
	}{
		{"v1 401", &unified.APIError{StatusCode: 401, Message: "Wrong credentials"}, true},
		{"v2 invalid_client on 400", &unified.APIError{StatusCode: 400, Code: "invalid_client"}, true},
		{"v2 unauthorized_client", &unified.APIError{StatusCode: 400, Code: "unauthorized_client"}, true},
		{"v2 invalid_scope", &unified.APIError{StatusCode: 400, Code: "invalid_scope"}, false},
		{"503", &unified.APIError{StatusCode: 503}, false},
		{"network", errors.New("connection refused"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("wrapped: %w", &AuthError{API: "v2", Err: tt.err})
			if got := errors.Is(err, unified.ErrUnauthorized); got != tt.rejected {
				t.Errorf("Is(ErrUnauthorized) = %v, want %v (%v)", got, tt.rejected, err)
			}
			if got := strings.Contains(err.Error(), "check Config.ClientID and Config.ClientSecret"); got != tt.rejected {
				t.Errorf("advice present = %v, want %v: %v", got, tt.rejected, err)
			}
			var ae *unified.APIError
			if _, isAPI := tt.err.(*unified.APIError); isAPI && !errors.As(err, &ae) {
				t.Errorf("errors.As(*APIError) failed for %v", err)
			}
		})
	}
}

// TestAuthErrorsEndToEnd checks both token endpoints' error formats through the client.
func TestAuthErrorsEndToEnd(t *testing.T) {
	t.Parallel()
	t.Run("v1 wrong credentials", func(t *testing.T) {
		t.Parallel()
		c, mt := mockClient(t, nil)
		mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth",
			respond(401, `{"success":false,"error":{"code":401,"message":"Wrong credentials"}}`))
		_, err := c.GetEmployee(t.Context(), 1)
		checkAuthErr(t, err, 401, "Wrong credentials")
	})
	t.Run("v2 wrong secret", func(t *testing.T) {
		t.Parallel()
		c, mt := mockClient(t, nil)
		mt.RegisterResponder(http.MethodPost, testBase+"/v2/auth/token",
			respond(400, `{"trace_id":"tr-1","error":"unauthorized_client","error_description":"The credentials were not correct"}`, "Content-Type", "application/problem+json"))
		_, err := c.GetPerson(t.Context(), "1")
		checkAuthErr(t, err, 400, "The credentials were not correct")
		var ae *unified.APIError
		if errors.As(err, &ae) && ae.RequestID != "tr-1" {
			t.Errorf("RequestID = %q, want the body's trace_id", ae.RequestID)
		}
	})
}

func checkAuthErr(t *testing.T, err error, status int, msg string) {
	t.Helper()
	if !errors.Is(err, unified.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	var autherr *AuthError
	if !errors.As(err, &autherr) {
		t.Fatalf("err = %v, want an *AuthError", err)
	}
	var ae *unified.APIError
	if !errors.As(err, &ae) || ae.StatusCode != status || ae.Message != msg {
		t.Errorf("APIError = %+v, want status %d message %q", ae, status, msg)
	}
	s := err.Error()
	if !strings.Contains(s, "Config.ClientID") || strings.Contains(s, testSecret) {
		t.Errorf("message should advise checking the credentials and never show the secret: %s", s)
	}
	if strings.Count(s, "personio:") != 1 {
		t.Errorf("message should have one provider prefix: %s", s)
	}
}
