package personiotest_test

import (
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// TestClientConfig: the Config a server hands out talks to it (over TLS too), in its time
// zone, with a client-side limit matched to the server's or none.
func TestClientConfig(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		opts      []personiotest.Option
		wantRate  float64
		wantBurst int
		wantZone  string
	}{
		{"no limit", nil, personio.NoRateLimit, 0, "Europe/Berlin"},
		{"documented limits", []personiotest.Option{personiotest.WithDocumentedRateLimits()}, 5, 14, "Europe/Berlin"},
		{"own limit, TLS, time zone", []personiotest.Option{personiotest.WithRateLimit(120, 3), personiotest.WithTLS(),
			personiotest.WithTimeZone(tokyo)}, 2, 2, "Asia/Tokyo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := personiotest.NewTestServer(t, append([]personiotest.Option{personiotest.WithGenerated(1, 12)}, tt.opts...)...)
			cfg := srv.ClientConfig()
			if cfg.RateLimit != tt.wantRate || cfg.Burst != tt.wantBurst || cfg.Location.String() != tt.wantZone {
				t.Errorf("RateLimit %v, Burst %d, Location %v; want %v, %d, %s", cfg.RateLimit, cfg.Burst, cfg.Location, tt.wantRate, tt.wantBurst, tt.wantZone)
			}
			c, err := personio.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			users, err := unified.All(t.Context(), c.Directory(), nil)
			if err != nil || len(users) != 12 {
				t.Errorf("%d users, %v; want 12", len(users), err)
			}
			if n := srv.RateLimited(); n != 0 {
				t.Errorf("%d requests refused by the server's limit", n)
			}
		})
	}
}
