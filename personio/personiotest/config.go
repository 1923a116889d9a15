package personiotest

import "github.com/hrisconnect/hrisconnect/personio"

// ClientConfig returns what a personio.Client needs to talk to the server: its credential,
// its URL, an HTTP client that trusts a [WithTLS] server's certificate, the company's time
// zone, and a client-side rate limit matched to the server's employee and persons limit
// ([WithRateLimit], [WithDocumentedRateLimits]): the same rate with a burst one smaller
// (nine tenths of the rate for a server without bursts), so that a client that paces
// itself is not refused; personio.NoRateLimit when the
// server has no limit. Set what else a test needs (MaxAttempts, the waits, a Logger) on
// the result:
//
//	srv := personiotest.NewTestServer(t)
//	c, err := personio.New(srv.ClientConfig())
func (s *Server) ClientConfig() personio.Config {
	cfg := personio.Config{
		ClientID:     s.ClientID,
		ClientSecret: s.ClientSecret,
		BaseURL:      s.URL,
		HTTPClient:   s.Client(),
		Location:     s.zone.loc,
		RateLimit:    personio.NoRateLimit,
	}
	if s.cfg.ratePerMinute > 0 {
		cfg.RateLimit, cfg.Burst = float64(s.cfg.ratePerMinute)/60, s.cfg.rateBurst-1
		if cfg.Burst < 1 { // no burst to spare: a margin on the rate instead
			cfg.RateLimit, cfg.Burst = cfg.RateLimit*0.9, 1
		}
	}
	return cfg
}
