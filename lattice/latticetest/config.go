package latticetest

import "github.com/hrisconnect/hrisconnect/lattice"

// ClientConfig returns what a lattice.Client needs to talk to the server: its full-access
// API key, its URL, its HTTP client, and a client-side rate limit matched to the
// server's ([WithRateLimit], [WithDocumentedRateLimit]): the same rate with a burst one
// smaller (nine tenths of the rate for a server without bursts), so that a client that
// paces itself is not refused; lattice.NoRateLimit when
// the server has no limit. Set what else a test needs (MaxAttempts, the waits, a Logger)
// on the result:
//
//	srv := latticetest.NewTestServer(t)
//	c, err := lattice.New(srv.ClientConfig())
func (s *Server) ClientConfig() lattice.Config {
	cfg := lattice.Config{
		APIKey:     s.APIKey,
		BaseURL:    s.URL,
		HTTPClient: s.Client(),
		RateLimit:  lattice.NoRateLimit,
	}
	if s.cfg.ratePerMinute > 0 {
		cfg.RateLimit, cfg.Burst = float64(s.cfg.ratePerMinute)/60, s.cfg.rateBurst-1
		if cfg.Burst < 1 { // no burst to spare: a margin on the rate instead
			cfg.RateLimit, cfg.Burst = cfg.RateLimit*0.9, 1
		}
	}
	return cfg
}
