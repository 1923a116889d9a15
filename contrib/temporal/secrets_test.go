package temporalsync_test

import (
	"encoding/json"
	"strings"
	"testing"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// TestSyncNoSecretsInHistory runs a sync that succeeds and one whose key is refused, and
// checks that neither the API key nor any user's email or name reaches what Temporal
// stores: the payloads of every workflow and activity input and result and of every
// heartbeat (recorded by a data converter that wraps the default one), the activity
// inputs and heartbeat details the test environment reports, the errors of the
// activities and of the workflow, and the log.
func TestSyncNoSecretsInHistory(t *testing.T) {
	t.Parallel()
	const secret = "lattice-key-3c7d1f9a-S3CR3T"
	f := newFixture(t, 300, latticetest.WithAPIKey(secret))
	ok := f.mustRun("sync-1", temporalsync.SyncInput{TenantID: tenant, FirstRun: true, PageSize: 50, BatchSize: 40})
	f.apiKey = secret + "-revoked" // a key that is refused, and still contains the secret
	failed := f.run("sync-2", temporalsync.SyncInput{TenantID: tenant})
	if typ, _ := appErrorType(failed.err); typ != temporalsync.ErrTypeUnauthorized {
		t.Fatalf("sync with a revoked key: %v, want type %s", failed.err, temporalsync.ErrTypeUnauthorized)
	}

	// The data passed where the test looks: the key to the directories, the users to
	// the handler and the store, references and heartbeats through the converter.
	if f.resolved < 2 {
		t.Fatalf("Directories resolved %d times, want at least 2", f.resolved)
	}
	people := f.srv.Company().People
	if len(f.hand.delivered) == 0 || f.hand.delivered[0].Changes[0].User.Email == "" {
		t.Fatal("the handler received no users")
	}
	if ok.beats == 0 || ok.conv.contains(`"cursor"`) == 0 || ok.conv.contains(ok.res.SnapshotID) == 0 || ok.conv.contains(tenant) == 0 {
		t.Fatalf("the converter did not see the heartbeats (%d) or the references", ok.beats)
	}

	for name, o := range map[string]*outcome{"successful sync": ok, "refused sync": failed} {
		if o.conv.count() == 0 {
			t.Fatalf("%s: no payloads recorded", name)
		}
		if len(o.seen) == 0 || !strings.Contains(strings.Join(o.seen, "\n"), `"tenant_id":"acme"`) {
			t.Fatalf("%s: the listeners saw no activity inputs: %q", name, o.seen)
		}
		texts := append([]string{o.logs.String()}, o.seen...)
		if o.err != nil {
			texts = append(texts, o.err.Error())
		}
		for _, err := range o.errs {
			texts = append(texts, err.Error())
		}
		if o.res != nil {
			b, err := json.Marshal(o.res)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(b))
		}
		if n := o.conv.contains(secret); n > 0 {
			t.Errorf("%s: %d payloads contain the API key", name, n)
		}
		for _, s := range texts {
			if strings.Contains(s, secret) {
				t.Errorf("%s: the API key is in %.200q", name, s)
			}
		}
		seen := strings.Join(o.seen, "\n")
		for _, p := range people {
			for _, v := range []string{p.Email, p.FullName()} {
				if n := o.conv.contains(v); n > 0 || strings.Contains(seen, v) {
					t.Errorf("%s: %d payloads, or the inputs and heartbeats, contain %q of a user", name, n, v)
				}
			}
		}
	}
}
