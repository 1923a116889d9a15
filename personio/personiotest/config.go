package personiotest

import "github.com/hrisconnect/hrisconnect/personio"

// ClientConfig returns what a personio.Client needs to talk to the server: its credential,
// its URL, an HTTP client that trusts a [WithTLS] server's certificate, the company's time
// zone, and a client-side rate limit matched to the server's employee and persons limit
// ([WithRateLimit], [WithDocumentedRateLimits]): the same rate with a burst one smaller,
// so that a client that paces itself is never refused; personio.NoRateLimit when the
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
		cfg.RateLimit = float64(s.cfg.ratePerMinute) / 60
		cfg.Burst = max(s.cfg.rateBurst-1, 1)
	}
	return cfg
}
