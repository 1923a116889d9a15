package textclip

import (
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 4, ""},
		{"abcd", 4, "abcd"},
		{"abcde", 4, "abcd…"},
		{"abcé", 4, "abc…"},          // é is two bytes: the cut backs off to its start
		{"abéd", 4, "abé…"},          // the cut falls right after é
		{"日本語", 4, "日…"},             // three-byte runes
		{"€€", 1, "…"},               // nothing fits
		{"abc", 0, "…"},              // n = 0
		{"abc", -1, "…"},             // a negative n is treated as 0
		{"a\xffbcdef", 3, "a\xffb…"}, // invalid bytes are kept, not dropped
	}
	for _, tt := range tests {
		got := Text(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("Text(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if utf8.ValidString(tt.in) && !utf8.ValidString(got) {
			t.Errorf("Text(%q, %d) = %q splits a rune", tt.in, tt.n, got)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("héllo wörld", 3)
	f.Add("日本語", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Text(s, n)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Text(%q, %d) = %q splits a rune", s, n, got)
		}
		if len(got) > max(n, 0)+len("…") {
			t.Fatalf("Text(%q, %d) = %q is too long", s, n, got)
		}
	})
}
