package transport

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// FuzzParseRetryAfter parses arbitrary Retry-After values: never a negative wait, never
// more than a year, whole seconds exactly as sent, and HTTP-dates relative to now.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"0", "1", " 120 ", "-1", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "1.5", "", "soon"} {
		f.Add(seed)
	}
	now := time.Date(2015, 10, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if !ok {
			if d != 0 {
				t.Fatalf("parseRetryAfter(%q) = %v, false; want 0 when not ok", v, d)
			}
			return
		}
		if d < 0 || d > 366*24*time.Hour+time.Hour && !isHTTPDate(v) {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
		if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && secs >= 0 && secs < 3600 {
			if d != time.Duration(secs)*time.Second {
				t.Fatalf("parseRetryAfter(%q) = %v, want %ds", v, d, secs)
			}
		}
	})
}

// isHTTPDate reports whether v is a date (whose wait may be anything in the future).
func isHTTPDate(v string) bool {
	_, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return err != nil
}

// FuzzRateHeaders parses arbitrary X-RateLimit values: counts are never negative and
// resets are never in the past or absurdly far away.
func FuzzRateHeaders(f *testing.F) {
	for _, seed := range []string{"100", "0", "100, 100;w=60", "-5", "1.5", "1700000000", "1e12", "NaN", "", " 7 "} {
		f.Add(seed)
	}
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, v string) {
		if n, ok := parseCount(v); ok && n < 0 {
			t.Fatalf("parseCount(%q) = %d", v, n)
		}
		at, ok := parseReset(v, now)
		if !ok {
			return
		}
		if at.Before(time.Unix(1e9, 0)) || at.After(time.Unix(1e12+1, 0)) {
			t.Fatalf("parseReset(%q) = %v", v, at)
		}
	})
}

// FuzzDecodeJSONError decodes arbitrary error bodies into an APIError: nothing panics,
// fields already set are kept, and the status is never touched.
func FuzzDecodeJSONError(f *testing.F) {
	for _, seed := range []string{
		`{"error":"invalid_client","error_description":"Client authentication failed"}`,
		`{"error":{"code":404,"message":"Not found"}}`,
		`{"errors":[{"title":"Forbidden","detail":"scope","code":"x"}],"personio_trace_id":"t1"}`,
		`{"title":"Bad","type":"https://example.com/errors#bad_thing","request_id":42}`,
		`{"message":"  ","code":0}`,
		`<html>502</html>`,
		`{"error":[1,2]}`,
		`{`,
	} {
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, preset bool) {
		e := &unified.APIError{StatusCode: 418}
		if preset {
			e.Code, e.Message, e.RequestID = "c", "m", "r"
		}
		DecodeJSONError(e, body)
		if e.StatusCode != 418 {
			t.Fatalf("status changed to %d", e.StatusCode)
		}
		if preset && (e.Code != "c" || e.Message != "m" || e.RequestID != "r") {
			t.Fatalf("preset fields overwritten: %+v", e)
		}
		if !json.Valid(body) && (e.Code != "" || e.Message != "") && !preset {
			t.Fatalf("invalid JSON %q produced %+v", body, e)
		}
	})
}

// fuzzSecret is a credential that Redact must remove wherever it appears; it has
// characters that URL escaping changes.
const fuzzSecret = "s3cr/t+Key=42&x"

// FuzzRedact checks that a configured secret, in any of its forms, never survives
// redaction, whatever surrounds it.
func FuzzRedact(f *testing.F) {
	for _, seed := range []string{"", "Authorization: Bearer ", "?client_secret=", "token=", "[REDACTED]", "s3cr", "x"} {
		f.Add(seed, seed, uint8(0))
	}
	c, err := New(Config{Provider: "test", BaseURL: "https://api.example.com", Secrets: func() []string { return []string{fuzzSecret} }})
	if err != nil {
		f.Fatal(err)
	}
	forms := []string{fuzzSecret, url.QueryEscape(fuzzSecret), url.PathEscape(fuzzSecret)}
	f.Fuzz(func(t *testing.T, before, after string, form uint8) {
		s := before + forms[int(form)%len(forms)] + after
		got := c.Redact(s)
		for _, sec := range forms {
			if strings.Contains(got, sec) {
				t.Fatalf("Redact(%q) = %q still holds %q", s, got, sec)
			}
		}
	})
}
