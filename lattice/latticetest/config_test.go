package latticetest_test

import (
	"testing"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// TestClientConfig: the Config a server hands out talks to it, with a client-side limit
// matched to the server's or none.
func TestClientConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []latticetest.Option
		wantRate  float64
		wantBurst int
	}{
		{"no limit", nil, lattice.NoRateLimit, 0},
		{"documented limit", []latticetest.Option{latticetest.WithDocumentedRateLimit()}, 4, 3},
		{"own limit", []latticetest.Option{latticetest.WithRateLimit(600, 5)}, 10, 4},
		{"a limit without bursts", []latticetest.Option{latticetest.WithRateLimit(600, 1)}, 9, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := latticetest.NewTestServer(t, append([]latticetest.Option{latticetest.WithGenerated(1, 12)}, tt.opts...)...)
			cfg := srv.ClientConfig()
			if cfg.RateLimit != tt.wantRate || cfg.Burst != tt.wantBurst || cfg.APIKey != srv.APIKey || cfg.BaseURL != srv.URL {
				t.Errorf("Config %v with RateLimit %v, Burst %d; want the server's key and URL, %v, %d", cfg, cfg.RateLimit, cfg.Burst, tt.wantRate, tt.wantBurst)
			}
			if tt.wantBurst == 1 {
				return // its margin is on the rate: whether a request is refused depends on timing
			}
			c, err := lattice.New(cfg)
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
