package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Bounds on the text fields of an APIError, in runes.
const (
	maxMessageLen   = 200
	maxCodeLen      = 100
	maxRequestIDLen = 128
)

// apiError turns the last, non-2xx answer of the call into a *unified.APIError and closes
// its body (already in memory, at most MaxErrorBodyBytes).
func (cl *call) apiError(resp *http.Response, attempts int) error {
	c := cl.c
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	u := *cl.url
	u.RawQuery, u.ForceQuery = "", false
	e := &unified.APIError{RequestID: c.requestIDFromHeader(resp.Header)}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	c.decodeError(e, raw)
	// The hook may set Code, Message and RequestID; the rest is the transport's.
	e.Provider, e.Method, e.URL, e.StatusCode, e.Attempts = c.provider, cl.method, c.sanitize(&u), resp.StatusCode, attempts
	if e.Message == "" && mediaType(resp.Header) == "text/plain" {
		e.Message = string(raw)
	}
	e.Message = clipText(c.redact(e.Message), maxMessageLen)
	e.Code = clipText(c.redact(e.Code), maxCodeLen)
	e.RequestID = clipText(c.redact(e.RequestID), maxRequestIDLen)
	e.Body = nil
	if len(raw) > 0 {
		e.Body = []byte(c.redact(string(raw)))
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

// requestError is a failure without a usable API answer: a connection error, a body cut
// short or not JSON, a refused redirect, a cancelled context. It reads
// "<provider>: <METHOD> <path>: <cause> (after N attempts)" and wraps the cause. It
// matches unified.ErrUnavailable when the cause is a connection failure of an idempotent
// request (reset, refused, cut short, timed out) or a body that is not JSON, as an API
// that kept answering 5xx does.
type requestError struct {
	provider, method, path string
	attempts               int
	msg                    string // the cause's message, scrubbed
	err                    error
	unavailable            bool
}

func (e *requestError) Error() string {
	s := e.provider + ": " + e.method + " " + e.path + ": " + e.msg
	if e.attempts > 1 {
		s += " (after " + strconv.Itoa(e.attempts) + " attempts)"
	}
	return s
}

func (e *requestError) Unwrap() error { return e.err }

// Is reports whether target is unified.ErrUnavailable and the request failed for want of
// a connection to the API.
func (e *requestError) Is(target error) bool {
	return e.unavailable && target == unified.ErrUnavailable
}

// fail wraps err, the final failure of the call after attempts requests, for the caller.
func (cl *call) fail(err error, attempts int) error {
	cause := causeOf(err)
	c := cl.c
	// A cause from a nested call of the same client (a token request) has its own prefix.
	msg := strings.ReplaceAll(strings.TrimPrefix(c.scrub(cl.url, cause), c.provider+": "), ": "+c.provider+": ", ": ")
	return &requestError{
		provider:    c.provider,
		method:      c.redact(cl.method),
		path:        cl.path,
		attempts:    attempts,
		msg:         msg,
		err:         cause,
		unavailable: cl.idempotent && retryableError(cause),
	}
}

// causeOf strips the wrappers that add nothing for a reader: net/http's *url.Error (its
// URL is not sanitised and the error names the path anyway), and permanentError.
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
		default:
			return err
		}
	}
}

// scrub returns err's message, a network failure named by what happened ("connection
// refused") rather than by the calls that met it ("dial tcp 10.0.0.1:443: connect:
// connection refused"), with the request URL sanitised and every secret redacted.
func (c *Client) scrub(u *url.URL, err error) string {
	msg := netText(err)
	if raw := u.String(); strings.Contains(msg, raw) {
		msg = strings.ReplaceAll(msg, raw, SanitizeURL(u))
	}
	return c.redact(msg)
}

func netText(err error) string {
	if op, ok := err.(*net.OpError); ok && op.Err != nil {
		err = op.Err
		if se, ok := err.(*os.SyscallError); ok && se.Err != nil {
			err = se.Err
		}
	}
	return err.Error()
}

// retryableStatus reports the statuses worth another attempt.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether err is a failure worth another attempt: refused, reset
// or aborted connections, EOF before or within the response, timeouts of one request, and
// 2xx bodies that are not JSON. Context cancellation, TLS failures, malformed URLs, bodies
// over the size cap and everything the client refuses on purpose are not.
func retryableError(err error) bool {
	var (
		pe     *permanentError
		at     *attemptTimeoutError
		me     *malformedError
		dnsErr *net.DNSError
		netErr net.Error
	)
	switch {
	case err == nil, errors.As(err, &pe):
		return false
	case errors.As(err, &at), errors.As(err, &me):
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return true
	case errors.As(err, &dnsErr):
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	return errors.As(err, &netErr) && netErr.Timeout()
}

// authorizeError is the failure of an Authorizer. When it is the error of a request of
// its own (a token request through the same client, which the Authorizer may wrap in an
// error type of its provider), that error, with its prefix, method, path and attempts,
// is the call's error: "personio: POST /v1/auth: connection refused (after 4 attempts)",
// not the request it could not authorize with the token request's text inside.
type authorizeError struct{ err error }

func (e *authorizeError) Error() string { return "authorizing the request: " + e.err.Error() }
func (e *authorizeError) Unwrap() error { return e.err }

func (e *authorizeError) describesItself() bool {
	var re *requestError
	var ae *unified.APIError
	return errors.As(e.err, &re) || errors.As(e.err, &ae)
}

// permanentError marks a failure that must not be retried although its cause might look
// retryable: a credential request that failed has spent its own retries.
type permanentError struct{ err error }

func permanent(err error) error         { return &permanentError{err: err} }
func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// attemptTimeoutError is one request running past the HTTP client's Timeout. It is a
// timeout net.Error that matches os.ErrDeadlineExceeded, never context.DeadlineExceeded,
// so it is not mistaken for the caller's own deadline, and it is retried.
type attemptTimeoutError struct{ timeout time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within %s (the HTTP client's Timeout)", e.timeout)
}
func (e *attemptTimeoutError) Timeout() bool   { return true }
func (e *attemptTimeoutError) Temporary() bool { return true }
func (e *attemptTimeoutError) Unwrap() error   { return os.ErrDeadlineExceeded }

// bodyError is a 2xx body that could not be read to its end.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "response body cut short: " + netText(e.err) }
func (e *bodyError) Unwrap() error { return e.err }

// malformedError is a 2xx body that is not JSON. It matches unified.ErrUnavailable: the
// provider (or something between it and the client) failed to send a usable answer.
type malformedError struct {
	msg string
	err error
}

func (e *malformedError) Error() string        { return e.msg }
func (e *malformedError) Unwrap() error        { return e.err }
func (e *malformedError) Is(target error) bool { return target == unified.ErrUnavailable }

// tooLargeError reports a body over the configured cap.
type tooLargeError struct {
	limit  int64
	length int64 // Content-Length, when that is how it was detected
}

func (e *tooLargeError) Error() string {
	what := "response body"
	if e.length > 0 {
		what = fmt.Sprintf("response body of %d bytes", e.length)
	}
	return fmt.Sprintf("%s exceeds the %d-byte limit (raise MaxBodyBytes if answers this large are expected)", what, e.limit)
}

func (e *tooLargeError) Unwrap() error { return unified.ErrResponseTooLarge }
