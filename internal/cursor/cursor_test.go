package cursor_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/unified"
)

type pos struct {
	Offset int    `json:"o"`
	Last   string `json:"l,omitempty"`
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range []pos{{}, {Offset: 100}, {Offset: 1 << 40, Last: "ü/?&= \x00"}} {
		s, err := cursor.Encode("personio", "fp1", p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(s, "+/=?&% ") {
			t.Errorf("cursor %q is not URL-safe", s)
		}
		var got pos
		if err := cursor.Decode(s, "personio", "fp1", &got); err != nil {
			t.Fatalf("Decode(%q): %v", s, err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	good, err := cursor.Encode("personio", "fp1", pos{Offset: 200})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := func(i int) string {
		b := []byte(string(raw))
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	otherVersion := func() string {
		b := []byte(string(raw))
		b[0] = 9
		return base64.RawURLEncoding.EncodeToString(b)
	}
	extraField, _ := cursor.Encode("personio", "fp1", map[string]any{"o": 1, "x": 2})
	tests := []struct {
		name, cursor, provider, fp, wantText string
	}{
		{"other provider", good, "lattice", "fp1", `provider "personio"`},
		{"other filter", good, "personio", "fp2", "different filter"},
		{"payload edited", flip(len(raw) - 10), "personio", "fp1", "checksum"},
		{"checksum edited", flip(len(raw) - 1), "personio", "fp1", "checksum"},
		{"version edited", flip(0), "personio", "fp1", "checksum"},
		{"truncated", good[:len(good)-4], "personio", "fp1", ""},
		{"not base64", "%%%", "personio", "fp1", "encoding"},
		{"empty bytes", "", "personio", "fp1", "truncated"},
		{"too long", strings.Repeat("A", cursor.MaxLen+1), "personio", "fp1", "too long"},
		{"unknown field", extraField, "personio", "fp1", "bad position"},
		{"future version re-signed", resign(otherVersion()), "personio", "fp1", "version 9"},
		{"provider length past the end", cursor.SignForTest([]byte{cursor.Version, 50, 'p'}), "personio", "fp1", "truncated"},
		{"fingerprint length past the end", cursor.SignForTest(append([]byte{cursor.Version, 8}, "personio\x09fp1"...)), "personio", "fp1", "truncated"},
		{"trailing data", cursor.SignForTest(append([]byte{cursor.Version, 8}, "personio\x03fp1{\"o\":1}{}"...)), "personio", "fp1", "trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p pos
			err := cursor.Decode(tt.cursor, tt.provider, tt.fp, &p)
			if !errors.Is(err, unified.ErrInvalidCursor) {
				t.Fatalf("err = %v, want ErrInvalidCursor", err)
			}
			if tt.wantText != "" && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

// resign recomputes the checksum of a cursor whose body was changed, to reach the checks
// behind the checksum.
func resign(s string) string {
	b, _ := base64.RawURLEncoding.DecodeString(s)
	return cursor.SignForTest(b[:len(b)-8])
}

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	if _, err := cursor.Encode("", "fp", 1); err == nil {
		t.Error("empty provider accepted")
	}
	if _, err := cursor.Encode("p", "fp", func() {}); err == nil {
		t.Error("unencodable position accepted")
	}
	if _, err := cursor.Encode("p", "fp", strings.Repeat("x", cursor.MaxLen)); err == nil {
		t.Error("oversized position accepted")
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := cursor.Encode("personio", "fp1", pos{Offset: 100, Last: "42"})
	f.Add(good)
	f.Add("")
	f.Add("AQhwZXJzb25pbw")
	f.Fuzz(func(t *testing.T, s string) {
		var p pos
		err := cursor.Decode(s, "personio", "fp1", &p)
		if err != nil && !errors.Is(err, unified.ErrInvalidCursor) {
			t.Fatalf("error does not wrap ErrInvalidCursor: %v", err)
		}
		if err == nil {
			again, err := cursor.Encode("personio", "fp1", p)
			if err != nil {
				t.Fatal(err)
			}
			var q pos
			if err := cursor.Decode(again, "personio", "fp1", &q); err != nil || q != p {
				t.Fatalf("re-encoded cursor does not decode to the same position: %v", err)
			}
		}
	})
}
