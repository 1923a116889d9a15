package temporalsync_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// A worker registers the workflow and its activities on its task queue:
//
//	w := worker.New(c, "hrisconnect-sync", worker.Options{})
//	temporalsync.Register(w, acts)
//	err := w.Run(worker.InterruptCh())
//
// and a nightly schedule per tenant starts the syncs (see ScheduleOptions). Here the
// workflow runs once in Temporal's in-process test environment, against a fake Lattice.
func Example() {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, 250))
	defer srv.Close()
	dir, err := os.MkdirTemp("", "hrisconnect-store")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := temporalsync.NewFileStore(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	handed := 0
	acts := &temporalsync.Activities{
		// Credentials come from your secret store, by tenant, when an activity runs.
		Directories: temporalsync.DirectoriesFunc(func(ctx context.Context, tenantID string) (unified.Directory, error) {
			c, err := lattice.New(srv.ClientConfig()) // with a real key: lattice.Config{APIKey: key}
			if err != nil {
				return nil, err
			}
			return c.Directory(), nil
		}),
		Store: store,
		// Apply the changes; record c.Key() with each effect to drop repeats.
		Handler: func(ctx context.Context, b *temporalsync.Batch) error {
			handed += len(b.Changes)
			return nil
		},
	}

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(time.Minute) // a guard for a busy machine: the default is 3 s
	temporalsync.Register(env, acts)
	env.ExecuteWorkflow(temporalsync.WorkflowName, temporalsync.SyncInput{TenantID: "acme", FirstRun: true, BatchSize: 100})

	var res temporalsync.SyncResult
	if err := env.GetWorkflowResult(&res); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listed %d users in %d pages\n", res.Users, res.Pages)
	fmt.Println("every joiner handed on:", handed == res.Joined && res.Joined > 0)
	cur, err := temporalsync.Current(context.Background(), store, "acme")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("current snapshot: %d users from %s\n", len(cur.Users), cur.Provider)
	// Output:
	// listed 250 users in 3 pages
	// every joiner handed on: true
	// current snapshot: 250 users from lattice
}
