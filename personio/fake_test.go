package personio_test

import (
	"testing"
	"time"

	. "github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// fakeClient returns a client of the fake server, unthrottled, with quick retries.
func fakeClient(t testing.TB, srv *personiotest.Server, edit func(*Config)) *Client {
	t.Helper()
	cfg := srv.ClientConfig()
	cfg.MinWait, cfg.MaxWait = time.Millisecond, 5*time.Millisecond
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// newServer starts a fake Personio that is closed when the test ends.
func newServer(t testing.TB, opts ...personiotest.Option) *personiotest.Server {
	t.Helper()
	srv := personiotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// The helpers and internals of export_test.go under the names the tests use.
var (
	mockClient         = MockClient
	mockEmployees      = MockEmployees
	newResponse        = NewResponse
	registerTokens     = RegisterTokens
	seqIDs             = SeqIDs
	followNext         = FollowNext
	updatedSinceLayout = UpdatedSinceLayout
	maxLinkPages       = MaxLinkPages
	testBase           = TestBase
	testID             = TestID
	testSecret         = TestSecret
)
