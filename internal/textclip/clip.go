// Package textclip shortens untrusted text quoted in error messages.
package textclip

import "unicode/utf8"

// Text returns s cut to at most n bytes, on a rune boundary, followed by "…" when it was
// cut. It never splits a UTF-8 sequence; invalid bytes are kept as they are (fmt's %q
// shows them escaped).
func Text(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
