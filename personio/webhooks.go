package personio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Webhook management API (v2).
//
// What is known about the API comes from Personio's reference pages, read in excerpts (see
// ../shared/api-notes/personio-webhooks.md §1, sources S4–S11 there). The doc comments below
// say "confirmed" for what those pages state and "inferred" for what is not published and
// was chosen to be lenient:
//
//   - Confirmed: the ten routes, the query parameters of the three lists, the fields of the
//     Webhook object and of the create body, the auth_type values and the custom-header
//     rules, that status defaults to DISABLED, the scopes, and 409/422 on create and update.
//   - Inferred: the list envelope ({"_data": [...], "_meta": {"links": {"next": {"href"}}}},
//     as on the other v2 lists; "data" is accepted too), whether single objects come bare or
//     wrapped in "_data"/"data" (both are accepted), the status values ENABLED and DISABLED
//     (only the default DISABLED is published), the item shapes of the events and activity
//     lists, and the bodies of the ping and test-event answers.

// OAuth2 scopes of the webhook management API. The client asks for the scopes in
// [Config.Scopes] (all the credentials hold when empty); a token without the scope a call
// needs is answered 403 "Insufficient access scope".
const (
	// ScopeWebhooksRead is needed to list and get webhooks and to read their events and
	// delivery activity.
	ScopeWebhooksRead = "personio:webhooks:read"
	// ScopeWebhooksWrite is needed to create, update, delete and ping webhooks and to
	// send test events.
	ScopeWebhooksWrite = "personio:webhooks:write"
)

// Page sizes of the webhook lists (webhooks, events, activity): limit is 1 to 200 and
// Personio's default is 100 (confirmed).
const (
	MaxWebhooksLimit     = 200
	DefaultWebhooksLimit = 100
)

// MaxWebhookCustomHeaders is how many custom headers a webhook with auth type CUSTOM may
// have (confirmed).
const MaxWebhookCustomHeaders = 3

// WebhookStatus says whether Personio delivers a webhook's events.
type WebhookStatus string

// Webhook statuses. Personio's default for a new webhook is DISABLED (confirmed), which
// delivers nothing; ENABLED is the other value (inferred: the enum is cut off in the
// published schema, and clients that create working webhooks send "ENABLED").
const (
	WebhookEnabled  WebhookStatus = "ENABLED"
	WebhookDisabled WebhookStatus = "DISABLED"
)

// WebhookAuthType is how Personio authenticates its deliveries to the webhook's URL
// (confirmed).
type WebhookAuthType string

// Webhook auth types.
const (
	// WebhookAuthNone sends no credentials: anyone who knows the URL can post to it.
	WebhookAuthNone WebhookAuthType = "NONE"
	// WebhookAuthToken (Personio's default) sends the webhook's token as the whole value of
	// the Authorization header; no "Bearer " or other prefix is added, so include one in
	// the token if the receiver expects it.
	WebhookAuthToken WebhookAuthType = "TOKEN"
	// WebhookAuthCustom sends the webhook's custom headers (1 to 3).
	WebhookAuthCustom WebhookAuthType = "CUSTOM"
)

// bannedWebhookHeaders are the names a custom header may neither equal nor start with,
// case-insensitively (confirmed).
var bannedWebhookHeaders = [...]string{
	"host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer",
	"expect", "content-type",
}

// Webhook is a webhook subscription as Personio returns it.
//
// Token and the values of CustomHeaders are secrets: String, GoString, Format, LogValue
// and MarshalJSON print them as [REDACTED]. Whether Personio returns them at all is not
// published.
type Webhook struct {
	// ID is the webhook's id, a UUID (confirmed).
	ID  string
	URL string
	// Description is the webhook's description, required on create (confirmed).
	Description string
	Status      WebhookStatus
	AuthType    WebhookAuthType
	// EnabledEvents are the names of the events delivered ("person.created", ...).
	EnabledEvents []string
	// Token is the Authorization value of a TOKEN webhook, if returned.
	Token string
	// CustomHeaders are the headers of a CUSTOM webhook, if returned.
	CustomHeaders map[string]string
}

// String describes the webhook with its token and header values redacted.
func (w Webhook) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "personio.Webhook{ID: %q, URL: %q, Description: %q, Status: %s, AuthType: %s, EnabledEvents: %q",
		w.ID, printableWebhookURL(w.URL), w.Description, w.Status, w.AuthType, w.EnabledEvents)
	writeWebhookSecrets(&b, w.Token, w.CustomHeaders)
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v redacts the secrets too.
func (w Webhook) GoString() string { return w.String() }

// Format prints String for every verb.
func (w Webhook) Format(f fmt.State, verb rune) { formatRedacted(f, verb, w.String()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (w Webhook) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", w.ID),
		slog.String("url", printableWebhookURL(w.URL)),
		slog.String("status", string(w.Status)),
		slog.String("auth_type", string(w.AuthType)),
		slog.Any("enabled_events", w.EnabledEvents),
		slog.String("token", secretMark(w.Token)),
		slog.Any("custom_headers", webhookHeaderNames(w.CustomHeaders)),
	)
}

// MarshalJSON encodes the webhook as String shows it (token and header values redacted,
// URL without user information or query), so that structured logs of values holding a
// Webhook reveal nothing either. Read the fields to store a webhook's secrets.
func (w Webhook) MarshalJSON() ([]byte, error) {
	return json.Marshal(redactedWebhookJSON{
		ID: w.ID, URL: printableWebhookURL(w.URL), Description: w.Description, Status: string(w.Status),
		AuthType: string(w.AuthType), EnabledEvents: w.EnabledEvents,
		Token: secretMark(w.Token), CustomHeaders: redactedWebhookHeaderMap(w.CustomHeaders),
	})
}

// redactedWebhookJSON is the JSON form of the webhook types, secrets redacted.
type redactedWebhookJSON struct {
	ID            string            `json:"id,omitempty"`
	URL           string            `json:"url,omitempty"`
	Description   string            `json:"description,omitempty"`
	Status        string            `json:"status,omitempty"`
	AuthType      string            `json:"auth_type,omitempty"`
	EnabledEvents []string          `json:"enabled_events,omitempty"`
	Token         string            `json:"token,omitempty"`
	CustomHeaders map[string]string `json:"custom_headers,omitempty"`
}

func redactedWebhookHeaderMap(h map[string]string) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k := range h {
		out[k] = redacted
	}
	return out
}

// CreateWebhookOptions is the body of POST /v2/webhooks. URL, Description and
// EnabledEvents are required, and AuthType must be chosen explicitly.
//
// Token and the CustomHeaders values are secrets: String, GoString, Format, LogValue and
// MarshalJSON redact them, and validation errors never quote them.
type CreateWebhookOptions struct {
	// URL receives the deliveries. It must be https (confirmed); Personio does not follow
	// redirects.
	URL string
	// Description is required (confirmed).
	Description string
	// EnabledEvents are the event names to deliver, at least one ("person.created",
	// "employment.updated", ...). Required (confirmed).
	EnabledEvents []string
	// Status is sent in every create request: "" means WebhookEnabled. Personio's own
	// default, when the field is left out, is DISABLED, which creates a webhook that
	// silently delivers nothing; pass WebhookDisabled to get that on purpose.
	Status WebhookStatus
	// AuthType is required here, so that no webhook is created without credentials by
	// accident: WebhookAuthToken with Token, WebhookAuthCustom with CustomHeaders, or
	// WebhookAuthNone. Personio's own default is TOKEN.
	AuthType WebhookAuthType
	// Token is sent, exactly as given, in the Authorization header of every delivery of a
	// TOKEN webhook; include a "Bearer " prefix if the receiver expects one. Only allowed
	// with WebhookAuthToken.
	Token string
	// CustomHeaders are sent with every delivery of a CUSTOM webhook: 1 to 3 headers,
	// whose names must not equal or start with (any case) host, content-length,
	// transfer-encoding, connection, upgrade, te, trailer, expect or content-type
	// (confirmed). Only allowed with WebhookAuthCustom.
	CustomHeaders map[string]string
}

// String describes the options with the token and header values redacted.
func (o CreateWebhookOptions) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "personio.CreateWebhookOptions{URL: %q, Description: %q, EnabledEvents: %q, Status: %s, AuthType: %s",
		printableWebhookURL(o.URL), o.Description, o.EnabledEvents, o.Status, o.AuthType)
	writeWebhookSecrets(&b, o.Token, o.CustomHeaders)
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v redacts the secrets too.
func (o CreateWebhookOptions) GoString() string { return o.String() }

// Format prints String for every verb.
func (o CreateWebhookOptions) Format(f fmt.State, verb rune) { formatRedacted(f, verb, o.String()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (o CreateWebhookOptions) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", printableWebhookURL(o.URL)),
		slog.Any("enabled_events", o.EnabledEvents),
		slog.String("status", string(o.Status)),
		slog.String("auth_type", string(o.AuthType)),
		slog.String("token", secretMark(o.Token)),
		slog.Any("custom_headers", webhookHeaderNames(o.CustomHeaders)),
	)
}

// MarshalJSON encodes the options with the secrets redacted, like String.
func (o CreateWebhookOptions) MarshalJSON() ([]byte, error) {
	return json.Marshal(redactedWebhookJSON{
		URL: printableWebhookURL(o.URL), Description: o.Description, Status: string(o.Status),
		AuthType: string(o.AuthType), EnabledEvents: o.EnabledEvents,
		Token: secretMark(o.Token), CustomHeaders: redactedWebhookHeaderMap(o.CustomHeaders),
	})
}

// UpdateWebhookOptions is the body of PATCH /v2/webhooks/{id}: only the fields set are
// sent, and the others stay as they are. Every field is optional (confirmed). Go 1.26's
// new(expr) makes the pointers short: &UpdateWebhookOptions{Status: new(WebhookEnabled)}.
//
// Token and the CustomHeaders values are secrets, redacted like CreateWebhookOptions.
type UpdateWebhookOptions struct {
	// URL, when set, must be https.
	URL *string
	// Description, when set, must not be empty.
	Description *string
	// EnabledEvents, when not nil, replaces the list; it must not be empty.
	EnabledEvents []string
	Status        *WebhookStatus
	AuthType      *WebhookAuthType
	// Token, when set, replaces the token. Only with AuthType TOKEN or no AuthType.
	Token *string
	// CustomHeaders, when not nil, replaces the headers (an empty map sends {}). At most
	// MaxWebhookCustomHeaders, names as for CreateWebhookOptions. Only with AuthType
	// CUSTOM or no AuthType.
	CustomHeaders map[string]string
}

// String describes the options with the token and header values redacted.
func (o UpdateWebhookOptions) String() string {
	var b strings.Builder
	b.WriteString("personio.UpdateWebhookOptions{")
	var parts []string
	if o.URL != nil {
		parts = append(parts, fmt.Sprintf("URL: %q", printableWebhookURL(*o.URL)))
	}
	if o.Description != nil {
		parts = append(parts, fmt.Sprintf("Description: %q", *o.Description))
	}
	if o.EnabledEvents != nil {
		parts = append(parts, fmt.Sprintf("EnabledEvents: %q", o.EnabledEvents))
	}
	if o.Status != nil {
		parts = append(parts, "Status: "+string(*o.Status))
	}
	if o.AuthType != nil {
		parts = append(parts, "AuthType: "+string(*o.AuthType))
	}
	if o.Token != nil {
		parts = append(parts, "Token: "+redacted)
	}
	if o.CustomHeaders != nil {
		parts = append(parts, fmt.Sprintf("CustomHeaders: %s", redactedWebhookHeaders(o.CustomHeaders)))
	}
	b.WriteString(strings.Join(parts, ", "))
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v redacts the secrets too.
func (o UpdateWebhookOptions) GoString() string { return o.String() }

// Format prints String for every verb.
func (o UpdateWebhookOptions) Format(f fmt.State, verb rune) { formatRedacted(f, verb, o.String()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (o UpdateWebhookOptions) LogValue() slog.Value { return slog.StringValue(o.String()) }

// MarshalJSON encodes String, which redacts the secrets.
func (o UpdateWebhookOptions) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }

// webhookHeaderNames returns the sorted names of h.
func webhookHeaderNames(h map[string]string) []string {
	if h == nil {
		return nil
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// redactedWebhookHeaders prints h as map[name:[REDACTED] ...], sorted by name.
func redactedWebhookHeaders(h map[string]string) string {
	names := webhookHeaderNames(h)
	for i, n := range names {
		names[i] = strconv.Quote(n) + ":" + redacted
	}
	return "map[" + strings.Join(names, " ") + "]"
}

func writeWebhookSecrets(b *strings.Builder, token string, headers map[string]string) {
	if token != "" {
		b.WriteString(", Token: " + redacted)
	}
	if headers != nil {
		b.WriteString(", CustomHeaders: " + redactedWebhookHeaders(headers))
	}
}

// ---- validation ----

func invalidWebhook(field, msg string) error {
	return fmt.Errorf("personio: %s %s: %w", field, msg, unified.ErrInvalidValue)
}

// checkWebhookURL requires an absolute https URL with a host. The URL is not quoted in the
// error: people put secrets in query strings.
func checkWebhookURL(field, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.Opaque != "" {
		return invalidWebhook(field, "must be an absolute https URL (Personio delivers only to HTTPS endpoints)")
	}
	return nil
}

func checkWebhookEvents(field string, events []string) error {
	if len(events) == 0 {
		return invalidWebhook(field, "must name at least one event, such as person.created")
	}
	for i, e := range events {
		if e == "" || strings.ContainsFunc(e, isSpaceOrControl) || strings.ContainsAny(e, ",\t") {
			return invalidWebhook(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%q is not an event name such as person.created", clipText(e)))
		}
	}
	return nil
}

func checkWebhookStatus(field string, s WebhookStatus) (WebhookStatus, error) {
	switch v := WebhookStatus(strings.ToUpper(strings.TrimSpace(string(s)))); v {
	case WebhookEnabled, WebhookDisabled:
		return v, nil
	}
	return "", invalidWebhook(field, fmt.Sprintf("%q: want ENABLED or DISABLED", clipText(string(s))))
}

func checkWebhookAuthType(field string, t WebhookAuthType) (WebhookAuthType, error) {
	switch v := WebhookAuthType(strings.ToUpper(strings.TrimSpace(string(t)))); v {
	case WebhookAuthNone, WebhookAuthToken, WebhookAuthCustom:
		return v, nil
	}
	return "", invalidWebhook(field, fmt.Sprintf("%q: want NONE, TOKEN or CUSTOM", clipText(string(t))))
}

// checkWebhookToken rejects tokens that cannot be a header value. It never quotes the
// token.
func checkWebhookToken(field, token string) error {
	if strings.ContainsFunc(token, isWebhookHeaderControl) {
		return invalidWebhook(field, "must not contain control characters (it is sent as a header value)")
	}
	return nil
}

// checkWebhookHeaders checks custom headers: at most three, valid names that are not
// banned, values that can be sent. Values are never quoted.
func checkWebhookHeaders(field string, h map[string]string) error {
	if len(h) > MaxWebhookCustomHeaders {
		return invalidWebhook(field, fmt.Sprintf("has %d headers; Personio allows at most %d", len(h), MaxWebhookCustomHeaders))
	}
	for _, name := range webhookHeaderNames(h) {
		if err := CheckWebhookHeaderName(name); err != nil {
			return invalidWebhook(field, err.Error())
		}
		v := h[name]
		if v == "" {
			return invalidWebhook(field, fmt.Sprintf("value of %q must not be empty", name))
		}
		if strings.ContainsFunc(v, isWebhookHeaderControl) {
			return invalidWebhook(field, fmt.Sprintf("value of %q must not contain control characters", name))
		}
	}
	return nil
}

// CheckWebhookHeaderName returns nil when Personio accepts name as the name of a custom
// webhook header (auth type CUSTOM): an HTTP field name (an RFC 9110 token) that neither
// equals nor starts with, in any case, host, content-length, transfer-encoding,
// connection, upgrade, te, trailer, expect or content-type. Otherwise its error says why,
// quoting the name. The receiver in package personio/webhook applies the same rule.
func CheckWebhookHeaderName(name string) error {
	if name == "" || strings.ContainsFunc(name, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
	}) {
		return fmt.Errorf("name %q is not a valid header name", clipText(name))
	}
	lower := strings.ToLower(name)
	for _, banned := range bannedWebhookHeaders {
		if strings.HasPrefix(lower, banned) {
			return fmt.Errorf("name %q is not allowed: Personio rejects names equal to or starting with %q", name, banned)
		}
	}
	return nil
}

// isWebhookHeaderControl reports control characters other than horizontal tab.
func isWebhookHeaderControl(r rune) bool { return r != '\t' && isControl(r) }

// printableWebhookURL drops the user information, query and fragment of a URL before it
// is printed: people put secrets there.
func printableWebhookURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(invalid URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// checkWebhookID validates an id put into a path: Personio's webhook ids are UUIDs.
func checkWebhookID(id string) error {
	ok := id != "" && len(id) <= 64
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_'
	}
	if !ok {
		return invalidWebhook("webhook id", fmt.Sprintf("%q is not a webhook id (a UUID)", clipText(id)))
	}
	return nil
}

func (o *CreateWebhookOptions) body() ([]byte, error) {
	const f = "CreateWebhookOptions."
	if err := checkWebhookURL(f+"URL", o.URL); err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.Description) == "" {
		return nil, invalidWebhook(f+"Description", "is required")
	}
	if err := checkWebhookEvents(f+"EnabledEvents", o.EnabledEvents); err != nil {
		return nil, err
	}
	status := WebhookEnabled
	if o.Status != "" {
		var err error
		if status, err = checkWebhookStatus(f+"Status", o.Status); err != nil {
			return nil, err
		}
	}
	if o.AuthType == "" {
		return nil, invalidWebhook(f+"AuthType", "is required: TOKEN with a Token, CUSTOM with CustomHeaders, or NONE for deliveries without credentials")
	}
	auth, err := checkWebhookAuthType(f+"AuthType", o.AuthType)
	if err != nil {
		return nil, err
	}
	if err := checkWebhookToken(f+"Token", o.Token); err != nil {
		return nil, err
	}
	if o.Token != "" && auth != WebhookAuthToken {
		return nil, invalidWebhook(f+"Token", "is only sent with AuthType TOKEN")
	}
	switch {
	case o.CustomHeaders != nil && auth != WebhookAuthCustom:
		return nil, invalidWebhook(f+"CustomHeaders", "are only allowed with AuthType CUSTOM")
	case auth == WebhookAuthCustom && len(o.CustomHeaders) == 0:
		return nil, invalidWebhook(f+"CustomHeaders", fmt.Sprintf("are required with AuthType CUSTOM (1 to %d)", MaxWebhookCustomHeaders))
	}
	if err := checkWebhookHeaders(f+"CustomHeaders", o.CustomHeaders); err != nil {
		return nil, err
	}
	body := map[string]any{
		"url":            strings.TrimSpace(o.URL),
		"description":    o.Description,
		"enabled_events": o.EnabledEvents,
		"status":         status,
		"auth_type":      auth,
	}
	if o.Token != "" {
		body["token"] = o.Token
	}
	if o.CustomHeaders != nil {
		body["custom_headers"] = o.CustomHeaders
	}
	return json.Marshal(body)
}

func (o *UpdateWebhookOptions) body() ([]byte, error) {
	const f = "UpdateWebhookOptions."
	body := map[string]any{}
	if o.URL != nil {
		if err := checkWebhookURL(f+"URL", *o.URL); err != nil {
			return nil, err
		}
		body["url"] = strings.TrimSpace(*o.URL)
	}
	if o.Description != nil {
		if strings.TrimSpace(*o.Description) == "" {
			return nil, invalidWebhook(f+"Description", "must not be empty")
		}
		body["description"] = *o.Description
	}
	if o.EnabledEvents != nil {
		if err := checkWebhookEvents(f+"EnabledEvents", o.EnabledEvents); err != nil {
			return nil, err
		}
		body["enabled_events"] = o.EnabledEvents
	}
	if o.Status != nil {
		s, err := checkWebhookStatus(f+"Status", *o.Status)
		if err != nil {
			return nil, err
		}
		body["status"] = s
	}
	var auth WebhookAuthType
	if o.AuthType != nil {
		var err error
		if auth, err = checkWebhookAuthType(f+"AuthType", *o.AuthType); err != nil {
			return nil, err
		}
		body["auth_type"] = auth
	}
	if o.Token != nil {
		if err := checkWebhookToken(f+"Token", *o.Token); err != nil {
			return nil, err
		}
		if auth != "" && auth != WebhookAuthToken {
			return nil, invalidWebhook(f+"Token", "is only sent with AuthType TOKEN")
		}
		body["token"] = *o.Token
	}
	if o.CustomHeaders != nil {
		if auth != "" && auth != WebhookAuthCustom {
			return nil, invalidWebhook(f+"CustomHeaders", "are only allowed with AuthType CUSTOM")
		}
		if err := checkWebhookHeaders(f+"CustomHeaders", o.CustomHeaders); err != nil {
			return nil, err
		}
		body["custom_headers"] = o.CustomHeaders
	}
	if len(body) == 0 {
		return nil, invalidWebhook("UpdateWebhookOptions", "sets no field: nothing to update")
	}
	return json.Marshal(body)
}

// secrets returns the token and header values of the options, to scrub from errors.
func (o *CreateWebhookOptions) secrets() []string {
	return appendWebhookHeaderValues([]string{o.Token}, o.CustomHeaders)
}

func (o *UpdateWebhookOptions) secrets() []string {
	var out []string
	if o.Token != nil {
		out = append(out, *o.Token)
	}
	return appendWebhookHeaderValues(out, o.CustomHeaders)
}

func appendWebhookHeaderValues(out []string, h map[string]string) []string {
	for _, v := range h {
		out = append(out, v)
	}
	return out
}

// ---- wire forms ----

// webhookID is an id sent as a JSON string or number.
type webhookID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *webhookID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = webhookID(strings.TrimSpace(s))
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		*id = webhookID(b)
	default:
		return fmt.Errorf("id %.20s is neither a string nor a number", b)
	}
	return nil
}

type webhookJSON struct {
	ID            webhookID         `json:"id"`
	URL           string            `json:"url"`
	Description   string            `json:"description"`
	Status        string            `json:"status"`
	AuthType      string            `json:"auth_type"`
	Token         string            `json:"token"`
	CustomHeaders map[string]string `json:"custom_headers"`
	EnabledEvents []string          `json:"enabled_events"`
}

func (j *webhookJSON) webhook() Webhook {
	return Webhook{
		ID: string(j.ID), URL: j.URL, Description: j.Description,
		Status: WebhookStatus(j.Status), AuthType: WebhookAuthType(j.AuthType),
		EnabledEvents: j.EnabledEvents, Token: j.Token, CustomHeaders: j.CustomHeaders,
	}
}

// webhookListJSON is a list envelope: "_data" (or "data") and the next link.
type webhookListJSON struct {
	Data    []json.RawMessage `json:"_data"`
	AltData []json.RawMessage `json:"data"`
	Meta    struct {
		Links struct {
			Next *struct {
				Href string `json:"href"`
			} `json:"next"`
		} `json:"links"`
	} `json:"_meta"`
}

func (l *webhookListJSON) items() []json.RawMessage {
	if l.Data != nil {
		return l.Data
	}
	return l.AltData
}

func (l *webhookListJSON) next() string {
	if n := l.Meta.Links.Next; n != nil {
		return strings.TrimSpace(n.Href)
	}
	return ""
}

// unwrapWebhookObject returns the object inside "_data" or "data" when raw is such a wrapper,
// else raw itself.
func unwrapWebhookObject(raw []byte) []byte {
	var env struct {
		Data    json.RawMessage `json:"_data"`
		AltData json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return raw
	}
	for _, inner := range [...]json.RawMessage{env.Data, env.AltData} {
		if inner = bytes.TrimSpace(inner); len(inner) > 0 && inner[0] == '{' {
			return inner
		}
	}
	return raw
}

// ---- calls ----

// webhookCall is one call of the management API, for errors and the scope hint.
type webhookCall struct {
	method, path, scope string
	// secrets are scrubbed from the error: the token and header values sent.
	secrets []string
}

// webhookDo sends the request and returns the body of a 2xx answer (possibly empty).
func (c *Client) webhookDo(ctx context.Context, call webhookCall, q url.Values, body []byte) ([]byte, error) {
	req := &transport.Request{Method: call.method, Path: call.path, Query: q, Body: body}
	if call.method == http.MethodGet {
		var raw json.RawMessage
		if _, err := c.v2.DoJSON(ctx, c.request(req), &raw); err != nil {
			return nil, call.err(err)
		}
		return raw, nil
	}
	resp, err := c.v2.Do(ctx, c.request(req))
	if err != nil {
		return nil, call.err(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	switch {
	case errors.Is(err, unified.ErrResponseTooLarge):
		return nil, err // names the provider, method and URL already
	case err != nil:
		return nil, fmt.Errorf("personio: %s %s: reading response: %w", call.method, call.path, err)
	}
	return b, nil
}

// webhookGetLink follows a next link on the API origin.
func (c *Client) webhookGetLink(ctx context.Context, call webhookCall, link string) ([]byte, error) {
	u, err := c.v2.ResolveURL(link)
	if err != nil {
		return nil, fmt.Errorf("personio: GET %s: the cursor is not a link on the API origin: %w: %w", call.path, err, unified.ErrInvalidCursor)
	}
	var raw json.RawMessage
	if _, err := c.v2.DoJSON(ctx, c.request(&transport.Request{Path: u.String()}), &raw); err != nil {
		return nil, call.err(err)
	}
	return raw, nil
}

// err adds the scope a 403 asks for, and scrubs the secrets sent from an error answer
// that echoes them.
func (call webhookCall) err(err error) error {
	var ae *unified.APIError
	if !errors.As(err, &ae) {
		return err
	}
	for _, s := range call.secrets {
		if s == "" {
			continue
		}
		ae.Message = strings.ReplaceAll(ae.Message, s, redacted)
		ae.Code = strings.ReplaceAll(ae.Code, s, redacted)
		ae.Body = bytes.ReplaceAll(ae.Body, []byte(s), []byte(redacted))
	}
	if ae.StatusCode == http.StatusForbidden {
		return fmt.Errorf("%w: this call needs the OAuth2 scope %s: add it to Config.Scopes (or leave Scopes empty to ask for every scope the credentials hold) and grant it to the API credentials in Personio",
			err, call.scope)
	}
	return err
}

func webhookPath(id string) string { return "/v2/webhooks/" + url.PathEscape(id) }

func decodeWebhook(call webhookCall, raw []byte) (*Webhook, error) {
	var j webhookJSON
	if err := json.Unmarshal(unwrapWebhookObject(raw), &j); err != nil {
		return nil, fmt.Errorf("personio: %s %s: decoding webhook: %w: %w", call.method, call.path, err, unified.ErrInvalidValue)
	}
	w := j.webhook()
	return &w, nil
}

// webhookPage is one page of a webhook list, before its items are decoded.
type webhookPage struct {
	items []json.RawMessage
	next  string
}

// webhookList fetches one page of path: the page cursor names (a next link, followed as
// given, or a bare cursor value, sent as the cursor parameter with q), or the first page.
// A next link equal to the cursor asked for fails with unified.ErrCursorLoop.
func (c *Client) webhookList(ctx context.Context, call webhookCall, q url.Values, cursor string) (webhookPage, error) {
	var raw []byte
	var err error
	if isCursorLink(cursor) {
		raw, err = c.webhookGetLink(ctx, call, cursor)
	} else {
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		raw, err = c.webhookDo(ctx, call, q, nil)
	}
	if err != nil {
		return webhookPage{}, err
	}
	var l webhookListJSON
	if err := json.Unmarshal(raw, &l); err != nil {
		return webhookPage{}, fmt.Errorf("personio: GET %s: decoding list: %w: %w", call.path, err, unified.ErrInvalidValue)
	}
	p := webhookPage{items: l.items(), next: l.next()}
	if cursor != "" && p.next != "" {
		ck, _ := c.nextKey(cursor) // followed, so on the API origin
		if nk, err := c.nextKey(p.next); err == nil && nk == ck {
			return webhookPage{}, fmt.Errorf("personio: GET %s: the next link points back at the page just read: %w", call.path, unified.ErrCursorLoop)
		}
	}
	return p, nil
}

func webhookLimit(what string, limit int) (string, error) {
	switch {
	case limit == 0:
		return strconv.Itoa(DefaultWebhooksLimit), nil
	case limit < 0 || limit > MaxWebhooksLimit:
		return "", invalidWebhook(what+".Limit", fmt.Sprintf("%d is out of range 1..%d", limit, MaxWebhooksLimit))
	}
	return strconv.Itoa(limit), nil
}

// webhookQueryTime formats an instant as in Personio's examples, "2023-01-01T12:00:00.000Z".
func webhookQueryTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func checkWebhookEventName(field, name string) error {
	if strings.ContainsFunc(name, isSpaceOrControl) {
		return invalidWebhook(field, fmt.Sprintf("%q is not an event name such as person.updated", clipText(name)))
	}
	return nil
}

func checkWebhookRange(field string, from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		return invalidWebhook(field, "range ends before it starts")
	}
	return nil
}

// ---- list webhooks ----

// ListWebhooksOptions selects a page of GET /v2/webhooks.
type ListWebhooksOptions struct {
	// EnabledEvent keeps the webhooks that deliver this event (enabled_events=person.updated).
	EnabledEvent string
	// Status keeps the webhooks with this status; "" means any.
	Status WebhookStatus
	// Limit is the page size, 1 to MaxWebhooksLimit; 0 means DefaultWebhooksLimit.
	Limit int
	// Cursor is a NextCursor of an earlier page of the same listing; "" is the first page.
	// A cursor that is a link is followed as given and the other fields are ignored (the
	// link carries the listing's state); a bare cursor value (cur_...) is sent as the
	// cursor parameter together with the other fields.
	Cursor string
}

// WebhooksPage is one page of webhooks.
type WebhooksPage struct {
	Webhooks []Webhook
	// NextCursor is opaque: pass it in ListWebhooksOptions.Cursor for the next page. ""
	// on the last page.
	NextCursor string
}

func (o *ListWebhooksOptions) query() (url.Values, error) {
	limit, err := webhookLimit("ListWebhooksOptions", o.Limit)
	if err != nil {
		return nil, err
	}
	q := url.Values{"limit": {limit}}
	if o.EnabledEvent != "" {
		if err := checkWebhookEventName("ListWebhooksOptions.EnabledEvent", o.EnabledEvent); err != nil {
			return nil, err
		}
		q.Set("enabled_events", o.EnabledEvent)
	}
	if o.Status != "" {
		s, err := checkWebhookStatus("ListWebhooksOptions.Status", o.Status)
		if err != nil {
			return nil, err
		}
		q.Set("status", string(s))
	}
	return q, nil
}

// ListWebhooks returns one page of the company's webhooks (GET /v2/webhooks). It needs
// ScopeWebhooksRead. Pages are chained by WebhooksPage.NextCursor; a next link that points
// back at the page just read fails with unified.ErrCursorLoop.
func (c *Client) ListWebhooks(ctx context.Context, opts *ListWebhooksOptions) (*WebhooksPage, error) {
	var o ListWebhooksOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodGet, path: "/v2/webhooks", scope: ScopeWebhooksRead}
	p, err := c.webhookList(ctx, call, q, o.Cursor)
	if err != nil {
		return nil, err
	}
	out := &WebhooksPage{NextCursor: p.next, Webhooks: make([]Webhook, 0, len(p.items))}
	for i, raw := range p.items {
		var j webhookJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("personio: GET /v2/webhooks: record %d: %w: %w", i, err, unified.ErrInvalidValue)
		}
		out.Webhooks = append(out.Webhooks, j.webhook())
	}
	return out, nil
}

// Webhooks returns every webhook of the listing opts selects, page after page (see
// ListWebhooks). The options are copied. The sequence ends after the last page (a page
// without a next link, even an empty one), or after yielding one error: a failed request,
// a cancelled context (checked between pages), unified.ErrInvalidCursor for a next link on
// another origin (it is not followed), or unified.ErrCursorLoop when a next link repeats
// or after 1000 pages. It starts no goroutines.
func (c *Client) Webhooks(ctx context.Context, opts *ListWebhooksOptions) iter.Seq2[Webhook, error] {
	var o ListWebhooksOptions
	if opts != nil {
		o = *opts
	}
	return followNext(ctx, c, "GET /v2/webhooks", o.Cursor, func(ctx context.Context, cursor string) ([]Webhook, string, error) {
		o := o
		o.Cursor = cursor
		p, err := c.ListWebhooks(ctx, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Webhooks, p.NextCursor, nil
	})
}

// ---- single webhooks ----

// CreateWebhook creates a webhook (POST /v2/webhooks) and returns it as Personio answers.
// It needs ScopeWebhooksWrite.
//
// The request always carries a status: ENABLED unless opts.Status says otherwise, since
// Personio's own default is DISABLED, which creates a webhook that silently delivers
// nothing. The options are checked before anything is sent (errors match
// unified.ErrInvalidValue and never quote the token or header values): an https URL, a
// description, at least one event, an explicit AuthType, a Token only with TOKEN, 1 to 3
// CustomHeaders only with CUSTOM, none of them named (or prefixed) host, content-length,
// transfer-encoding, connection, upgrade, te, trailer, expect or content-type.
//
// The request is not retried (a retry could create a second webhook). Personio answers
// 409 Conflict (cause unpublished) and 422 for requests it refuses; both come as a
// *unified.APIError, the 422 matching unified.ErrInvalidRequest.
func (c *Client) CreateWebhook(ctx context.Context, opts *CreateWebhookOptions) (*Webhook, error) {
	if opts == nil {
		return nil, invalidWebhook("CreateWebhookOptions", "are required")
	}
	body, err := opts.body()
	if err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodPost, path: "/v2/webhooks", scope: ScopeWebhooksWrite, secrets: opts.secrets()}
	raw, err := c.webhookDo(ctx, call, nil, body)
	if err != nil {
		return nil, err
	}
	w, err := decodeWebhook(call, raw)
	if err != nil {
		return nil, fmt.Errorf("%w (the webhook may have been created: list the webhooks to check)", err)
	}
	if w.ID == "" {
		return nil, fmt.Errorf("personio: POST /v2/webhooks: the answer has no webhook id (the webhook may have been created: list the webhooks to check): %w", unified.ErrInvalidValue)
	}
	return w, nil
}

// GetWebhook returns the webhook with the given id (GET /v2/webhooks/{id}). It needs
// ScopeWebhooksRead. An unknown id fails with an error matching unified.ErrNotFound.
func (c *Client) GetWebhook(ctx context.Context, id string) (*Webhook, error) {
	if err := checkWebhookID(id); err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodGet, path: webhookPath(id), scope: ScopeWebhooksRead}
	raw, err := c.webhookDo(ctx, call, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeWebhook(call, raw)
}

// UpdateWebhook changes the fields opts sets (PATCH /v2/webhooks/{id}) and returns the
// webhook as Personio answers, or nil when the answer has no body. It needs
// ScopeWebhooksWrite. The fields set are checked as for CreateWebhook. An unknown id fails
// with an error matching unified.ErrNotFound; Personio also documents 409 and 422.
func (c *Client) UpdateWebhook(ctx context.Context, id string, opts *UpdateWebhookOptions) (*Webhook, error) {
	if err := checkWebhookID(id); err != nil {
		return nil, err
	}
	if opts == nil {
		return nil, invalidWebhook("UpdateWebhookOptions", "are required")
	}
	body, err := opts.body()
	if err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodPatch, path: webhookPath(id), scope: ScopeWebhooksWrite, secrets: opts.secrets()}
	raw, err := c.webhookDo(ctx, call, nil, body)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	return decodeWebhook(call, raw)
}

// DeleteWebhook deletes the webhook with the given id (DELETE /v2/webhooks/{id}). It
// needs ScopeWebhooksWrite. An unknown id fails with an error matching
// unified.ErrNotFound.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	if err := checkWebhookID(id); err != nil {
		return err
	}
	call := webhookCall{method: http.MethodDelete, path: webhookPath(id), scope: ScopeWebhooksWrite}
	_, err := c.webhookDo(ctx, call, nil, nil)
	return err
}

// PingWebhook asks Personio to deliver an event named "ping" to the webhook (POST
// /v2/webhooks/{id}/ping), to check that the receiver is reachable and accepts the
// credentials. It needs ScopeWebhooksWrite. It returns Personio's answer as received (its
// shape is not published), nil when empty.
func (c *Client) PingWebhook(ctx context.Context, id string) (json.RawMessage, error) {
	if err := checkWebhookID(id); err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodPost, path: webhookPath(id) + "/ping", scope: ScopeWebhooksWrite}
	return webhookRawAnswer(c.webhookDo(ctx, call, nil, nil))
}

// WebhookTestEvent is the body of POST /v2/webhooks/{id}/test-event.
type WebhookTestEvent struct {
	// EventName is the event to deliver; it must be one of the webhook's enabled events.
	// Required (confirmed: event_name is the request's one required field).
	EventName string
	// Payload, when set, is sent as the event's payload: a JSON object such as
	// {"person":{"id":"123"}}. Personio answers 400 "missing required payload data" when
	// an event needs one. The field name "payload" is inferred (it is cut off in the
	// published schema, whose summary says "custom payload").
	Payload json.RawMessage
}

// SendWebhookTestEvent asks Personio to deliver a test event of the given name with the
// given payload (POST /v2/webhooks/{id}/test-event). It needs ScopeWebhooksWrite. It
// returns Personio's answer as received (its shape is not published), nil when empty.
func (c *Client) SendWebhookTestEvent(ctx context.Context, id string, ev *WebhookTestEvent) (json.RawMessage, error) {
	if err := checkWebhookID(id); err != nil {
		return nil, err
	}
	if ev == nil || ev.EventName == "" {
		return nil, invalidWebhook("WebhookTestEvent.EventName", "is required")
	}
	if err := checkWebhookEventName("WebhookTestEvent.EventName", ev.EventName); err != nil {
		return nil, err
	}
	body := map[string]any{"event_name": ev.EventName}
	if p := bytes.TrimSpace(ev.Payload); len(p) > 0 {
		if p[0] != '{' || !json.Valid(p) {
			return nil, invalidWebhook("WebhookTestEvent.Payload", "must be a JSON object")
		}
		body["payload"] = json.RawMessage(p)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("personio: WebhookTestEvent: %w: %w", err, unified.ErrInvalidValue)
	}
	call := webhookCall{method: http.MethodPost, path: webhookPath(id) + "/test-event", scope: ScopeWebhooksWrite}
	return webhookRawAnswer(c.webhookDo(ctx, call, nil, b))
}

func webhookRawAnswer(b []byte, err error) (json.RawMessage, error) {
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return nil, err
	}
	return json.RawMessage(b), nil
}

// ---- events ----

// ListWebhookEventsOptions selects a page of GET /v2/webhooks/{id}/events. Personio keeps
// the events of the last 30 days (confirmed).
type ListWebhookEventsOptions struct {
	// OccurredFrom and OccurredTo bound occurred_at, both inclusive (occurred_at.gte and
	// occurred_at.lte, confirmed). They are sent in UTC with millisecond precision; the
	// zero time leaves a side open.
	OccurredFrom, OccurredTo time.Time
	// EventName keeps the events of this name ("person.updated").
	EventName string
	// Limit is the page size, 1 to MaxWebhooksLimit; 0 means DefaultWebhooksLimit.
	Limit int
	// Cursor is a NextCursor of an earlier page of the same listing, as for
	// ListWebhooksOptions.Cursor.
	Cursor string
}

// WebhookEvent is an event of the Events API. Personio does not publish the shape of its
// items: the fields below are read when present under the names of the delivery envelope
// (event_name, company_id, occurred_at, payload) and id, which is inferred; Raw holds the
// item as received.
type WebhookEvent struct {
	ID         string
	EventName  string
	CompanyID  string
	OccurredAt time.Time
	// Payload is the event's payload object as received.
	Payload json.RawMessage
	// Raw is the item as received.
	Raw json.RawMessage

	err error
}

// Err returns an error when a field was present but could not be read (an occurred_at
// that is not RFC 3339); Raw still holds it.
func (e *WebhookEvent) Err() error { return e.err }

type webhookEventJSON struct {
	ID         webhookID       `json:"id"`
	EventName  string          `json:"event_name"`
	CompanyID  webhookID       `json:"company_id"`
	OccurredAt string          `json:"occurred_at"`
	Payload    json.RawMessage `json:"payload"`
}

// WebhookEventsPage is one page of webhook events.
type WebhookEventsPage struct {
	Events []WebhookEvent
	// NextCursor is opaque: pass it in ListWebhookEventsOptions.Cursor. "" on the last
	// page.
	NextCursor string
}

func (o *ListWebhookEventsOptions) query() (url.Values, error) {
	const f = "ListWebhookEventsOptions"
	limit, err := webhookLimit(f, o.Limit)
	if err != nil {
		return nil, err
	}
	if err := checkWebhookRange(f+".OccurredFrom/OccurredTo", o.OccurredFrom, o.OccurredTo); err != nil {
		return nil, err
	}
	if err := checkWebhookEventName(f+".EventName", o.EventName); err != nil {
		return nil, err
	}
	q := url.Values{"limit": {limit}}
	if !o.OccurredFrom.IsZero() {
		q.Set("occurred_at.gte", webhookQueryTime(o.OccurredFrom))
	}
	if !o.OccurredTo.IsZero() {
		q.Set("occurred_at.lte", webhookQueryTime(o.OccurredTo))
	}
	if o.EventName != "" {
		q.Set("event_name", o.EventName)
	}
	return q, nil
}

// ListWebhookEvents returns one page of the events Personio recorded for a webhook in the
// last 30 days (GET /v2/webhooks/{id}/events), whether or not they were delivered: the
// source to catch up from after downtime or a rejected delivery. It needs
// ScopeWebhooksRead.
func (c *Client) ListWebhookEvents(ctx context.Context, id string, opts *ListWebhookEventsOptions) (*WebhookEventsPage, error) {
	if err := checkWebhookID(id); err != nil {
		return nil, err
	}
	var o ListWebhookEventsOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodGet, path: webhookPath(id) + "/events", scope: ScopeWebhooksRead}
	p, err := c.webhookList(ctx, call, q, o.Cursor)
	if err != nil {
		return nil, err
	}
	out := &WebhookEventsPage{NextCursor: p.next, Events: make([]WebhookEvent, 0, len(p.items))}
	for i, raw := range p.items {
		var j webhookEventJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("personio: GET %s: record %d: %w: %w", call.path, i, err, unified.ErrInvalidValue)
		}
		e := WebhookEvent{ID: string(j.ID), EventName: j.EventName, CompanyID: string(j.CompanyID), Payload: j.Payload, Raw: raw}
		e.OccurredAt, e.err = webhookTime(call, "occurred_at", j.OccurredAt)
		out.Events = append(out.Events, e)
	}
	return out, nil
}

// WebhookEvents returns every event of the listing opts selects, page after page, with
// the contract of Webhooks.
func (c *Client) WebhookEvents(ctx context.Context, id string, opts *ListWebhookEventsOptions) iter.Seq2[WebhookEvent, error] {
	var o ListWebhookEventsOptions
	if opts != nil {
		o = *opts
	}
	return followNext(ctx, c, "GET "+webhookPath(id)+"/events", o.Cursor, func(ctx context.Context, cursor string) ([]WebhookEvent, string, error) {
		o := o
		o.Cursor = cursor
		p, err := c.ListWebhookEvents(ctx, id, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Events, p.NextCursor, nil
	})
}

func webhookTime(call webhookCall, field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("personio: GET %s: %s %q is not an RFC 3339 time: %w", call.path, field, clipText(s), unified.ErrInvalidValue)
	}
	return t, nil
}

// ---- activity ----

// ListWebhookActivityOptions selects a page of GET /v2/webhooks/{id}/activity. Personio
// keeps the delivery attempts of the last 30 days (confirmed).
type ListWebhookActivityOptions struct {
	// CompletedFrom and CompletedTo bound completed_at, both inclusive (completed_at.gte
	// and completed_at.lte, confirmed), sent in UTC with millisecond precision.
	CompletedFrom, CompletedTo time.Time
	// EventName keeps the deliveries of events of this name.
	EventName string
	// Delivered, when set, keeps the deliveries that were (true: acknowledged with a 2xx)
	// or were not (false) delivered (is_delivered).
	Delivered *bool
	// Limit is the page size, 1 to MaxWebhooksLimit; 0 means DefaultWebhooksLimit.
	Limit int
	// Cursor is a NextCursor of an earlier page of the same listing, as for
	// ListWebhooksOptions.Cursor.
	Cursor string
}

// WebhookDelivery is one record of a webhook's delivery activity. Personio does not
// publish the shape of its items: the fields are read when present under the names of the
// list's filters (event_name, completed_at, is_delivered) and id, all inferred; Raw holds
// the item as received.
type WebhookDelivery struct {
	ID          string
	EventName   string
	CompletedAt time.Time
	// Delivered is is_delivered, nil when absent.
	Delivered *bool
	// Raw is the item as received.
	Raw json.RawMessage

	err error
}

// Err returns an error when a field was present but could not be read; Raw still holds it.
func (d *WebhookDelivery) Err() error { return d.err }

type webhookDeliveryJSON struct {
	ID          webhookID `json:"id"`
	EventName   string    `json:"event_name"`
	CompletedAt string    `json:"completed_at"`
	Delivered   *bool     `json:"is_delivered"`
}

// WebhookActivityPage is one page of delivery activity.
type WebhookActivityPage struct {
	Deliveries []WebhookDelivery
	// NextCursor is opaque: pass it in ListWebhookActivityOptions.Cursor. "" on the last
	// page.
	NextCursor string
}

func (o *ListWebhookActivityOptions) query() (url.Values, error) {
	const f = "ListWebhookActivityOptions"
	limit, err := webhookLimit(f, o.Limit)
	if err != nil {
		return nil, err
	}
	if err := checkWebhookRange(f+".CompletedFrom/CompletedTo", o.CompletedFrom, o.CompletedTo); err != nil {
		return nil, err
	}
	if err := checkWebhookEventName(f+".EventName", o.EventName); err != nil {
		return nil, err
	}
	q := url.Values{"limit": {limit}}
	if !o.CompletedFrom.IsZero() {
		q.Set("completed_at.gte", webhookQueryTime(o.CompletedFrom))
	}
	if !o.CompletedTo.IsZero() {
		q.Set("completed_at.lte", webhookQueryTime(o.CompletedTo))
	}
	if o.EventName != "" {
		q.Set("event_name", o.EventName)
	}
	if o.Delivered != nil {
		q.Set("is_delivered", strconv.FormatBool(*o.Delivered))
	}
	return q, nil
}

// ListWebhookActivity returns one page of a webhook's delivery attempts of the last 30
// days (GET /v2/webhooks/{id}/activity). It needs ScopeWebhooksRead.
func (c *Client) ListWebhookActivity(ctx context.Context, id string, opts *ListWebhookActivityOptions) (*WebhookActivityPage, error) {
	if err := checkWebhookID(id); err != nil {
		return nil, err
	}
	var o ListWebhookActivityOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	call := webhookCall{method: http.MethodGet, path: webhookPath(id) + "/activity", scope: ScopeWebhooksRead}
	p, err := c.webhookList(ctx, call, q, o.Cursor)
	if err != nil {
		return nil, err
	}
	out := &WebhookActivityPage{NextCursor: p.next, Deliveries: make([]WebhookDelivery, 0, len(p.items))}
	for i, raw := range p.items {
		var j webhookDeliveryJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("personio: GET %s: record %d: %w: %w", call.path, i, err, unified.ErrInvalidValue)
		}
		d := WebhookDelivery{ID: string(j.ID), EventName: j.EventName, Delivered: j.Delivered, Raw: raw}
		d.CompletedAt, d.err = webhookTime(call, "completed_at", j.CompletedAt)
		out.Deliveries = append(out.Deliveries, d)
	}
	return out, nil
}

// WebhookActivity returns every delivery record of the listing opts selects, page after
// page, with the contract of Webhooks.
func (c *Client) WebhookActivity(ctx context.Context, id string, opts *ListWebhookActivityOptions) iter.Seq2[WebhookDelivery, error] {
	var o ListWebhookActivityOptions
	if opts != nil {
		o = *opts
	}
	return followNext(ctx, c, "GET "+webhookPath(id)+"/activity", o.Cursor, func(ctx context.Context, cursor string) ([]WebhookDelivery, string, error) {
		o := o
		o.Cursor = cursor
		p, err := c.ListWebhookActivity(ctx, id, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Deliveries, p.NextCursor, nil
	})
}
