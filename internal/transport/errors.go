package transport

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Bounds on the text fields of an APIError, in runes.
const (
	maxMessageLen   = 300
	maxCodeLen      = 100
	maxRequestIDLen = 128
)

// apiError turns a non-2xx response into a *unified.APIError, and drains and closes the
// body.
func (c *Client) apiError(st *reqState, resp *http.Response) error {
	defer drainClose(resp.Body)
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, c.maxErrBody))

	e := &unified.APIError{
		Provider:   c.provider,
		Method:     st.method,
		URL:        st.url,
		StatusCode: resp.StatusCode,
		Attempts:   st.attempts,
		RequestID:  c.requestIDFromHeader(resp.Header),
	}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
		e.RetryAfter = ra
	}
	c.decodeError(e, raw)
	// The hook may set Code, Message and RequestID; the rest is the transport's.
	e.Provider, e.Method, e.URL, e.StatusCode, e.Attempts = c.provider, st.method, st.url, resp.StatusCode, st.attempts
	if e.Message == "" && mediaType(resp.Header) == "text/plain" {
		e.Message = string(raw)
	}
	e.Message = clipText(c.redact(e.Message), maxMessageLen)
	e.Code = clipText(c.redact(e.Code), maxCodeLen)
	e.RequestID = clipText(c.redact(e.RequestID), maxRequestIDLen)
	if len(raw) > 0 {
		e.Body = []byte(c.redact(string(raw)))
	} else {
		e.Body = nil
	}
	return e
}

func mediaType(h http.Header) string {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mt
}

// requestIDFromHeader returns the first non-empty request-id header.
func (c *Client) requestIDFromHeader(h http.Header) string {
	for _, name := range c.reqIDHeaders {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			return v
		}
	}
	return ""
}

// clipText makes s one line of at most n runes: control characters and runs of white
// space become one space, invalid UTF-8 is replaced, and a cut is marked with "…".
func clipText(s string, n int) string {
	fields := strings.FieldsFunc(strings.ToValidUTF8(s, "\uFFFD"), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	})
	out := strings.Join(fields, " ")
	if utf8.RuneCountInString(out) <= n {
		return out
	}
	runes := []rune(out)
	return strings.TrimRightFunc(string(runes[:n-1]), unicode.IsSpace) + "…"
}

// DecodeJSONError fills e.Code, e.Message and, when e has none yet, e.RequestID from the
// common JSON error shapes:
//
//	{"error": "message"}
//	{"error": "invalid_client", "error_description": "message"}     (OAuth 2)
//	{"error": {"code": "...", "message": "..."}}
//	{"message": "...", "code": "..."}
//	{"title": "...", "detail": "...", "type": ".../errors#code"}     (RFC 9457)
//	{"errors": [{"title": "...", "detail": "...", "code": "..."}]}
//
// plus request or trace ids in "request_id", "requestId", "trace_id", "traceId",
// "correlation_id" or any key ending in "_trace_id". Fields already set are kept. Bodies
// that are not a JSON object (HTML gateway pages, plain text) are ignored. It is the
// default Config.DecodeError, and provider hooks may call it as a fallback.
func DecodeJSONError(e *unified.APIError, body []byte) {
	body = bytes.TrimSpace(body)
	if e == nil || len(body) == 0 || body[0] != '{' {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return
	}
	if raw, ok := m["error"]; ok {
		if s, ok := jsonText(raw); ok {
			if desc, ok := jsonText(m["error_description"]); ok {
				setIfEmpty(&e.Code, s)
				setIfEmpty(&e.Message, desc)
			} else {
				setIfEmpty(&e.Message, s)
			}
		} else {
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil {
				fillFromObject(e, obj)
			}
		}
	}
	if raw, ok := m["errors"]; ok {
		var list []map[string]json.RawMessage
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			fillFromObject(e, list[0])
		}
	}
	fillFromObject(e, m)
	if e.RequestID == "" {
		for _, k := range []string{"request_id", "requestId", "trace_id", "traceId", "correlation_id", "correlationId"} {
			if s, ok := jsonText(m[k]); ok {
				e.RequestID = s
				return
			}
		}
		for k, raw := range m {
			if strings.HasSuffix(strings.ToLower(k), "_trace_id") {
				if s, ok := jsonText(raw); ok {
					e.RequestID = s
					return
				}
			}
		}
	}
}

func fillFromObject(e *unified.APIError, obj map[string]json.RawMessage) {
	for _, k := range []string{"message", "detail", "error_description", "title", "description"} {
		if s, ok := jsonText(obj[k]); ok {
			setIfEmpty(&e.Message, s)
			break
		}
	}
	for _, k := range []string{"code", "error_code", "errorCode"} {
		if s, ok := jsonText(obj[k]); ok && s != "0" {
			setIfEmpty(&e.Code, s)
			return
		}
	}
	if s, ok := jsonText(obj["type"]); ok {
		if _, frag, found := strings.Cut(s, "#"); found && frag != "" {
			setIfEmpty(&e.Code, frag)
		}
	}
}

// jsonText returns a JSON string or number as text.
func jsonText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch {
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil || strings.TrimSpace(s) == "" {
			return "", false
		}
		return s, true
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// requestError is a failure without a usable API answer: a connection error after all
// retries, a refused redirect, a cancelled context, an unreadable body. It names the
// provider, method and sanitised URL, and wraps the cause (without net/http's *url.Error,
// whose URL is not sanitised). When the cause is a connection failure of an idempotent
// request that the retries could not overcome (reset, refused, cut short, timed out), it
// also matches unified.ErrUnavailable, as an API that kept answering 5xx does.
type requestError struct {
	provider, method, url string
	attempts              int
	msg                   string // the cause's message, scrubbed
	err                   error
	unavailable           bool
}

// Is reports whether target is unified.ErrUnavailable and the request failed for want of
// a connection to the API.
func (e *requestError) Is(target error) bool {
	return e.unavailable && target == unified.ErrUnavailable
}

func (e *requestError) Error() string {
	s := e.provider + ": " + e.method + " " + e.url + ": " + e.msg
	if e.attempts > 1 {
		s += " (after " + strconv.Itoa(e.attempts) + " attempts)"
	}
	return s
}

func (e *requestError) Unwrap() error { return e.err }

// requestError wraps err, the final error of a request, for the caller.
func (c *Client) requestError(st *reqState, err error) error {
	cause := causeOf(err)
	return &requestError{
		provider:    c.provider,
		method:      st.method,
		url:         st.url,
		attempts:    st.attempts,
		msg:         c.scrub(st, cause),
		err:         cause,
		unavailable: st.idempotent && retryableError(err),
	}
}

// causeOf strips the wrappers that add nothing for a reader: net/http's *url.Error (its
// URL is not sanitised; the client prints its own), and the package's retry markers.
func causeOf(err error) error {
	for {
		switch x := err.(type) {
		case *url.Error:
			if x.Err == nil {
				return err
			}
			err = x.Err
		case *permanentError:
			err = x.err
		case *bodyError:
			err = x.err
		default:
			return err
		}
	}
}

// scrub returns err's message with the request's raw URL replaced by its sanitised form
// and every secret redacted.
func (c *Client) scrub(st *reqState, err error) string {
	msg := err.Error()
	var ue *url.Error
	if asURLError(err, &ue) && ue.URL != "" {
		msg = strings.ReplaceAll(msg, ue.URL, sanitizeString(ue.URL))
	}
	if st != nil && st.rawURL != "" {
		msg = strings.ReplaceAll(msg, st.rawURL, st.url)
	}
	return c.redact(msg)
}
