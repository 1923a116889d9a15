package transport

import (
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redacted replaces secrets in everything the package prints.
const redacted = "[REDACTED]"

// SanitizeURL returns u in a form safe to print: without user information or fragment,
// and with the values of credential-like query parameters (token, access_token,
// client_secret, api_key, key, password, signature, code, session, …) replaced by
// "[REDACTED]". The result is for messages and logs, not for sending.
func SanitizeURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := *u
	v.User = nil
	v.Fragment, v.RawFragment = "", ""
	if v.RawQuery != "" {
		v.RawQuery = sanitizeQuery(v.RawQuery)
	}
	return v.String()
}

// sanitizeString is SanitizeURL for a URL in string form.
func sanitizeString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	return SanitizeURL(u)
}

// sanitizeQuery redacts credential-like values of a raw query, keeping its order and
// encoding otherwise.
func sanitizeQuery(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if hasValue && sensitiveKey(key) {
			parts[i] = k + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// sensitiveKey reports whether a query parameter name suggests a credential.
func sensitiveKey(k string) bool {
	n := strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(k))
	switch n {
	case "key", "code", "sig", "pwd", "pass", "auth", "jwt", "otp":
		return true
	}
	for _, s := range []string{"token", "secret", "password", "passwd", "signature", "apikey", "credential", "session", "authorization", "privatekey", "accesskey"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// sanitize is SanitizeURL plus redaction of the configured secrets.
func (c *Client) sanitize(u *url.URL) string { return c.redact(SanitizeURL(u)) }

// Redact returns s with every configured secret (Config.Secrets, also in its URL-escaped
// forms) and every credential after "Bearer " or "Basic " replaced by "[REDACTED]".
// Provider packages use it for messages they build themselves.
func (c *Client) Redact(s string) string { return c.redact(s) }

func (c *Client) redact(s string) string {
	if s == "" {
		return s
	}
	s = redactAuthSchemes(s)
	if c.secrets == nil {
		return s
	}
	var forms []string
	for _, sec := range c.secrets() {
		if sec == "" {
			continue
		}
		forms = append(forms, sec, url.QueryEscape(sec), url.PathEscape(sec))
	}
	// Longest first, so a secret that contains another is replaced whole.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, f := range slices.Compact(forms) {
		if f != redacted {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	return s
}

// authScheme matches the credential after every "Bearer " or "Basic " (any case) that
// is not redacted yet.
var authScheme = regexp.MustCompile(`(?i)\b(bearer|basic)([ \t]+)[^\s"',;<>()\[\]{}\\&]+`)

// redactAuthSchemes replaces the credential after every "Bearer " or "Basic " with
// "[REDACTED]".
func redactAuthSchemes(s string) string {
	return authScheme.ReplaceAllString(s, "${1}${2}"+redacted)
}
