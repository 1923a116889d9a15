package personiotest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/internal/jsonw"
)

// errorsBase is the base of Personio's v2 error type URIs.
const errorsBase = "https://developer.personio.de/reference/errors#"

// forbiddenType is the type URI of the v2 scope error, as Personio sends it.
const forbiddenType = "https://developer.personio.de/v2.0/page/public-api-error-codes#commonforbidden"

// writeJSON writes a JSON document with the given status.
func writeJSON(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeV1Error writes the v1 error envelope {"success":false,"error":{code,message}}.
func writeV1Error(w http.ResponseWriter, status int, message string) {
	b := make([]byte, 0, 96)
	b = append(b, `{"success":false,"error":{"code":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"message":`...)
	b = jsonw.AppendString(b, message)
	b = append(b, "}}"...)
	writeJSON(w, status, "application/json", b)
}

// traceID returns the next trace id: a UUID-shaped, deterministic sequence.
func (s *Server) traceID() string { return uuidFor(0x5452414345, 0, s.traces.Add(1)) }

// writeProblem writes Personio's v2 resource error envelope (application/problem+json):
// {"personio_trace_id","timestamp","errors":[{"title","detail","type","_meta":{}}]}.
// typ is a fragment of the error catalogue ("common.bad_request") or a full URI.
func (s *Server) writeProblem(w http.ResponseWriter, status int, title, detail, typ string) {
	if !strings.HasPrefix(typ, "https://") {
		typ = errorsBase + typ
	}
	b := make([]byte, 0, 256)
	b = append(b, `{"personio_trace_id":`...)
	b = jsonw.AppendString(b, s.traceID())
	b = append(b, `,"timestamp":`...)
	b = jsonw.AppendString(b, s.now().UTC().Format(layoutProblemTime))
	b = append(b, `,"errors":[{"title":`...)
	b = jsonw.AppendString(b, title)
	b = append(b, `,"detail":`...)
	b = jsonw.AppendString(b, detail)
	b = append(b, `,"type":`...)
	b = jsonw.AppendString(b, typ)
	b = append(b, `,"_meta":{}}]}`...)
	writeJSON(w, status, "application/problem+json", b)
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

// writeOAuthError writes the OAuth2 error body of POST /v2/auth/token
// (application/problem+json): timestamp, trace_id, error, error_description, error_uri
// and, for missing parameters, meta.missing_parameters.
func (s *Server) writeOAuthError(w http.ResponseWriter, status int, code, description, uri string, missing []string) {
	b := make([]byte, 0, 320)
	b = append(b, `{"timestamp":`...)
	b = jsonw.AppendString(b, s.now().UTC().Format(layoutV2Time))
	b = append(b, `,"trace_id":`...)
	b = jsonw.AppendString(b, s.traceID())
	b = append(b, `,"error":`...)
	b = jsonw.AppendString(b, code)
	b = append(b, `,"error_description":`...)
	b = jsonw.AppendString(b, description)
	b = append(b, `,"error_uri":`...)
	b = jsonw.AppendString(b, errorsBase+uri)
	if len(missing) > 0 {
		b = append(b, `,"meta":{"missing_parameters":[`...)
		for i, m := range missing {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonw.AppendString(b, m)
		}
		b = append(b, "]}"...)
	}
	b = append(b, '}')
	writeJSON(w, status, "application/problem+json", b)
}
