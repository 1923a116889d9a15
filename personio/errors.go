package personio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/unified"
)

// errorEnvelope covers the three error bodies Personio sends:
//
//   - v1: {"success": false, "error": {"code": 404, "message": "..."}}
//   - v2 resources (problem+json): {"personio_trace_id": "...", "errors": [{"title",
//     "detail", "type": "https://.../errors#common.bad_request"}]}
//   - v2 token endpoint (OAuth2): {"error": "invalid_client", "error_description": "...",
//     "trace_id": "..."}
type errorEnvelope struct {
	Error            json.RawMessage `json:"error"`
	ErrorDescription string          `json:"error_description"`
	TraceID          string          `json:"trace_id"`
	PersonioTraceID  string          `json:"personio_trace_id"`
	Errors           []problem       `json:"errors"`
	Message          string          `json:"message"`
}

type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Code   string `json:"code"`
}

type v1ErrorBody struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
}

// DecodeError fills e.Code, e.Message and e.RequestID from a Personio error body in any of
// its three formats (v1 envelope, v2 problem+json, OAuth2 token error). Bodies that are not
// JSON (gateway pages) leave e unchanged. It is the transport's error hook; it is exported
// so that code handling Personio responses by other means can reuse it.
func DecodeError(e *unified.APIError, body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return
	}
	switch {
	case len(env.Errors) > 0:
		var msgs []string
		for _, p := range env.Errors {
			if e.Code == "" {
				e.Code = problemCode(p)
			}
			msg := strings.TrimSpace(p.Title)
			if d := strings.TrimSpace(p.Detail); d != "" {
				if msg != "" {
					msg += ": "
				}
				msg += d
			}
			if msg != "" {
				msgs = append(msgs, msg)
			}
		}
		e.Message = strings.Join(msgs, "; ")
		if env.PersonioTraceID != "" {
			e.RequestID = env.PersonioTraceID
		} else if env.TraceID != "" {
			e.RequestID = env.TraceID
		}
	case len(env.Error) > 0 && env.Error[0] == '{':
		var v1 v1ErrorBody
		if json.Unmarshal(env.Error, &v1) != nil {
			return
		}
		if code := jsonScalarText(v1.Code); code != "" && code != "0" {
			e.Code = code
		}
		e.Message = strings.TrimSpace(v1.Message)
	case len(env.Error) > 0 && env.Error[0] == '"':
		var code string
		if json.Unmarshal(env.Error, &code) != nil {
			return
		}
		e.Code = strings.TrimSpace(code)
		e.Message = strings.TrimSpace(env.ErrorDescription)
		if env.TraceID != "" {
			e.RequestID = env.TraceID
		}
	case env.Message != "":
		e.Message = strings.TrimSpace(env.Message)
	}
}

// problemCode derives a short code from a v2 problem: the fragment of its type URL
// ("common.resource_not_found"), else its last path segment, else its code field.
func problemCode(p problem) string {
	t := strings.TrimSpace(p.Type)
	if i := strings.LastIndexByte(t, '#'); i >= 0 && i+1 < len(t) {
		return t[i+1:]
	}
	if i := strings.LastIndexByte(t, '/'); i >= 0 && i+1 < len(t) {
		return t[i+1:]
	}
	if t != "" && t != "about:blank" {
		return t
	}
	return strings.TrimSpace(p.Code)
}

// jsonScalarText returns a JSON string's text or a number's literal; "" otherwise.
func jsonScalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return ""
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		return string(raw)
	}
	return ""
}

// AuthError reports that Personio did not issue an access token. It wraps the cause (a
// *unified.APIError for an error answer, else a transport or context error), so errors.As
// finds the APIError; when Personio rejected the credentials themselves it also matches
// unified.ErrUnauthorized, whatever status the token endpoint used for it (v2 answers
// 400 invalid_client).
type AuthError struct {
	// API is "v1" (POST /v1/auth) or "v2" (POST /v2/auth/token).
	API string
	// Err is the cause.
	Err error
}

// Error is the failed token request's own error, "personio: POST /v1/auth: ...", with
// what to check when Personio refused the credentials or the scopes. A network failure
// reads as one ("personio: POST /v1/auth: connection refused (after 4 attempts)"). It
// never contains the secret.
func (e *AuthError) Error() string {
	var ae *unified.APIError
	switch {
	case e.Err == nil:
		return fmt.Sprintf("%s: %s: no token", ProviderName, e.endpoint())
	case !errors.As(e.Err, &ae):
		s := e.Err.Error()
		if !strings.HasPrefix(s, ProviderName+": ") { // not the transport's error of the request
			s = fmt.Sprintf("%s: %s: %s", ProviderName, e.endpoint(), s)
		}
		return s
	case e.CredentialsRejected():
		// The answer without its request id and attempts, and without the message when
		// an error code says the same ("unauthorized_client"); the *unified.APIError keeps
		// them all. The advice matters more here.
		short := *ae
		short.RequestID, short.Attempts, short.RetryAfter = "", 0, 0
		if short.Code != "" && short.Code != strconv.Itoa(short.StatusCode) {
			short.Message = ""
		}
		advice := "check Config.ClientID and Config.ClientSecret (Settings → Integrations → API credentials)"
		if e.API == "v2" {
			advice = "check Config.ClientID and Config.ClientSecret, and that the credentials are enabled for API v2"
		}
		return strings.TrimSuffix(short.Error(), ".") + ": " + advice
	case e.scopeRejected():
		return strings.TrimSuffix(e.Err.Error(), ".") + ": check Config.Scopes against the scopes the API credentials hold"
	}
	return e.Err.Error()
}

// endpoint is the token request of the API version.
func (e *AuthError) endpoint() string {
	if e.API == "v2" {
		return "POST /v2/auth/token"
	}
	return "POST /v1/auth"
}

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// Is reports whether target is unified.ErrUnauthorized and Personio rejected the
// credentials.
func (e *AuthError) Is(target error) bool {
	return target == unified.ErrUnauthorized && e.CredentialsRejected()
}

// CredentialsRejected reports whether Personio refused the client id or secret (as opposed
// to being unreachable or rate limiting the token endpoint).
func (e *AuthError) CredentialsRejected() bool {
	var ae *unified.APIError
	if !errors.As(e.Err, &ae) {
		return false
	}
	switch ae.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	}
	switch ae.Code {
	case "invalid_client", "unauthorized_client", "invalid_grant", "access_denied":
		return true
	}
	return false
}

func (e *AuthError) scopeRejected() bool {
	var ae *unified.APIError
	return errors.As(e.Err, &ae) && ae.Code == "invalid_scope"
}

// ErrCatalogUnreadable is matched (errors.Is) by the error of a [Directory] that cannot
// read the tenant's attribute catalog (GET /v1/company/employees/attributes) and lists
// without it: custom attributes are then keyed by their id, with the label the record
// carries. Lenient directories report it from [Directory.Degraded]; strict ones
// ([WithStrictMapping]) fail with it. The error also wraps the API's answer
// (errors.Is(err, unified.ErrForbidden)).
var ErrCatalogUnreadable = errors.New("attribute catalog unreadable: custom attributes keyed by id")

// catalogError is the error of a Directory without the tenant's catalog: it matches
// ErrCatalogUnreadable and the cause.
type catalogError struct{ cause error }

// Error returns "personio: attribute catalog unreadable: ...: GET <path>: <cause>".
func (e *catalogError) Error() string {
	return ProviderName + ": " + ErrCatalogUnreadable.Error() + ": " + strings.TrimPrefix(e.cause.Error(), ProviderName+": ")
}

func (e *catalogError) Unwrap() []error { return []error{ErrCatalogUnreadable, e.cause} }
