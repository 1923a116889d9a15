package personiotest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// errorsBase is the base of Personio's v2 error type URIs.
const errorsBase = "https://developer.personio.de/reference/errors#"

// forbiddenType is the type URI of the v2 scope error, as Personio sends it.
const forbiddenType = "https://developer.personio.de/v2.0/page/public-api-error-codes#commonforbidden"

// writeJSON writes v as a JSON document with the given status. HTML characters are not
// escaped, as an API in the wild sends them, and the document has no trailing newline.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// The fake's own types always encode; this is a bug in the fake.
		http.Error(w, "personiotest: cannot encode the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// v1ErrorJSON is the v1 error envelope {"success":false,"error":{code,message}}, with
// error_data under the ZeroErrorCodes quirk.
type v1ErrorJSON struct {
	Success bool `json:"success"`
	Error   struct {
		Code      int       `json:"code"`
		Message   string    `json:"message"`
		ErrorData *struct{} `json:"error_data,omitempty"`
	} `json:"error"`
}

// writeV1Error writes the v1 error envelope: error.code is the HTTP status, or 0 with
// an empty error_data object under the ZeroErrorCodes quirk.
func (s *Server) writeV1Error(w http.ResponseWriter, status int, message string) {
	var e v1ErrorJSON
	e.Error.Code, e.Error.Message = status, message
	if s.Quirks().ZeroErrorCodes {
		e.Error.Code, e.Error.ErrorData = 0, &struct{}{}
	}
	writeJSON(w, status, "application/json", e)
}

// traceID returns the next trace id: a UUID-shaped, deterministic sequence.
func (s *Server) traceID() string { return uuidFor(0x5452414345, 0, s.traces.Add(1)) }

// problemJSON is Personio's v2 resource error envelope.
type problemJSON struct {
	TraceID   string        `json:"personio_trace_id"`
	Timestamp string        `json:"timestamp"`
	Errors    []problemItem `json:"errors"`
}

type problemItem struct {
	Title  string   `json:"title"`
	Detail string   `json:"detail"`
	Type   string   `json:"type"`
	Meta   struct{} `json:"_meta"`
}

// writeProblem writes Personio's v2 resource error envelope (application/problem+json).
// typ is a fragment of the error catalogue ("common.bad_request") or a full URI.
func (s *Server) writeProblem(w http.ResponseWriter, status int, title, detail, typ string) {
	if !strings.HasPrefix(typ, "https://") {
		typ = errorsBase + typ
	}
	writeJSON(w, status, "application/problem+json", problemJSON{
		TraceID:   s.traceID(),
		Timestamp: s.now().UTC().Format(layoutProblemTime),
		Errors:    []problemItem{{Title: title, Detail: detail, Type: typ}},
	})
}

// badRequestV2 answers 400 with detail explaining what is wrong.
func (s *Server) badRequestV2(w http.ResponseWriter, detail string) {
	s.writeProblem(w, http.StatusBadRequest, "Bad request", detail, "common.bad_request")
}

// notFoundV2 answers 404 "Resource not found".
func (s *Server) notFoundV2(w http.ResponseWriter) {
	s.writeProblem(w, http.StatusNotFound, "Resource not found",
		"There is no resource for the specified id.", "common.resource_not_found")
}

// oauthErrorJSON is the OAuth2 error body of POST /v2/auth/token.
type oauthErrorJSON struct {
	Timestamp   string     `json:"timestamp"`
	TraceID     string     `json:"trace_id"`
	Error       string     `json:"error"`
	Description string     `json:"error_description"`
	URI         string     `json:"error_uri"`
	Meta        *oauthMeta `json:"meta,omitempty"`
}

type oauthMeta struct {
	MissingParameters []string `json:"missing_parameters"`
}

// writeOAuthError writes the OAuth2 error body of POST /v2/auth/token
// (application/problem+json), with meta.missing_parameters when some are missing.
func (s *Server) writeOAuthError(w http.ResponseWriter, status int, code, description, uri string, missing []string) {
	e := oauthErrorJSON{
		Timestamp:   s.now().UTC().Format(layoutV2Time),
		TraceID:     s.traceID(),
		Error:       code,
		Description: description,
		URI:         errorsBase + uri,
	}
	if len(missing) > 0 {
		e.Meta = &oauthMeta{MissingParameters: missing}
	}
	writeJSON(w, status, "application/problem+json", e)
}
