package personio

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestNewValidation(t *testing.T) {
	t.Parallel()
	ok := Config{ClientID: testID, ClientSecret: testSecret}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string // the field the error must name; "" means no error
	}{
		{"defaults", func(*Config) {}, ""},
		{"missing id", func(c *Config) { c.ClientID = "  " }, "ClientID"},
		{"missing secret", func(c *Config) { c.ClientSecret = "" }, "ClientSecret"},
		{"id with space", func(c *Config) { c.ClientID = "a b" }, "ClientID"},
		{"secret with newline", func(c *Config) { c.ClientSecret = "a\nb" }, "ClientSecret"},
		{"partner id header injection", func(c *Config) { c.PartnerID = "X\r\nEvil: 1" }, "PartnerID"},
		{"app id control", func(c *Config) { c.AppID = "A\x00" }, "AppID"},
		{"negative rate", func(c *Config) { c.RateLimit = -1 }, "RateLimit"},
		{"negative burst", func(c *Config) { c.Burst = -1 }, "Burst"},
		{"negative attempts", func(c *Config) { c.MaxAttempts = -1 }, "MaxAttempts"},
		{"negative wait", func(c *Config) { c.MaxWait = -time.Second }, "MaxWait"},
		{"negative min wait", func(c *Config) { c.MinWait = -time.Second }, "MinWait"},
		{"bad scope", func(c *Config) { c.Scopes = []string{"personio:persons:read other"} }, "Scopes[0]"},
		{"empty scope", func(c *Config) { c.Scopes = []string{"a", ""} }, "Scopes[1]"},
		{"plain http", func(c *Config) { c.BaseURL = "http://api.personio.de" }, "BaseURL"},
		{"not a url", func(c *Config) { c.BaseURL = "ftp://x" }, "BaseURL"},
		{"loopback http", func(c *Config) { c.BaseURL = "http://127.0.0.1:8080" }, ""},
		{"small max wait only", func(c *Config) { c.MaxWait = time.Millisecond }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			tt.edit(&cfg)
			c, err := New(cfg)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if c == nil {
					t.Fatal("nil client")
				}
				return
			}
			if !errors.Is(err, unified.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %s", err, tt.field)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error leaks the secret: %q", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{ClientID: testID, ClientSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Location().String(); got != "Europe/Berlin" {
		t.Errorf("Location = %s, want Europe/Berlin", got)
	}
	if got := c.Limiter().Limit(); got != 5 {
		t.Errorf("rate = %v, want 5/s (300/min)", got)
	}
	if got := c.Limiter().Burst(); got != 14 {
		t.Errorf("burst = %d, want 14, one under Personio's 15", got)
	}
	shared := rate.NewLimiter(1, 1)
	c2, err := New(Config{ClientID: testID, ClientSecret: testSecret, Limiter: shared})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Limiter() != shared {
		t.Error("a configured Limiter is not used")
	}
}

// TestRedaction prints Config and Client with every verb and through slog, and greps
// the output for the secret and the tokens.
func TestRedaction(t *testing.T) {
	t.Parallel()
	cfg := Config{ClientID: testID, ClientSecret: testSecret, BaseURL: "https://user:pw@api.personio.de", PartnerID: "ACME", HTTPClient: &http.Client{}}
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees/attributes", respond(200, `{"success":true,"data":[]}`))
	if _, err := c.Attributes(t.Context()); err != nil { // caches a token, which must not print either
		t.Fatal(err)
	}
	secrets := []string{testSecret, v1Token, "pw"}
	values := map[string]any{"Config": cfg, "*Config": &cfg, "*Client": c}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("Sprintf(%q, %s) = %q reveals %q", verb, name, out, s)
				}
			}
		}
		// Nested in a struct and a slice, as callers log them.
		out := fmt.Sprintf("%+v %v", struct{ C any }{v}, []any{v})
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("nested %s = %q reveals %q", name, out, s)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(cfg), testID) {
		t.Errorf("the client id should stay visible: %v", cfg)
	}
	if !strings.Contains(fmt.Sprint(cfg), redacted) {
		t.Errorf("the secret should show as %s: %v", redacted, cfg)
	}

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("config", "cfg", cfg, "ptr", &cfg, "client", c)
	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("slog output reveals %q: %s", s, out)
		}
	}
	if !strings.Contains(out, `"client_secret":"[REDACTED]"`) || !strings.Contains(out, `"client_id":"`+testID+`"`) {
		t.Errorf("slog output lacks the redacted group: %s", out)
	}
}
