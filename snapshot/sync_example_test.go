package snapshot_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// A nightly job: each run loads the snapshot the previous run saved, syncs, reports the
// changes and saves the new snapshot. Personio filters by update time on the server, so
// the second run asks only for the people changed since the first.
func ExampleSync() {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 30))
	defer srv.Close()
	client, err := personio.New(srv.ClientConfig()) // with real credentials: personio.Config{ClientID: ..., ClientSecret: ...}
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "sync")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	statePath := filepath.Join(tmp, "personio.jsonl")

	nightly := func(ctx context.Context, dir unified.Directory, firstRun bool) error {
		prev, err := snapshot.Load(statePath)
		if err != nil && !(firstRun && errors.Is(err, fs.ErrNotExist)) {
			return err
		}
		res, err := snapshot.Sync(ctx, dir, prev, &snapshot.SyncOptions{
			Diff: []snapshot.Option{snapshot.FirstRun(firstRun)},
		})
		if err != nil {
			return err // keep the previous snapshot and try again later
		}
		fmt.Printf("%s pass", res.Mode)
		if res.Reason != 0 {
			fmt.Printf(" (%s)", res.Reason)
		}
		fmt.Printf(": %d users read, %d in the directory\n", res.Fetched, len(res.Users))
		if prev != nil {
			for _, l := range res.Changes.Left {
				fmt.Printf("left: %s (%s)\n", l.User.Name(), l.Reason)
			}
		}
		return snapshot.Save(statePath, res.Snapshot())
	}

	ctx := context.Background()
	dir := client.Directory()
	if err := nightly(ctx, dir, true); err != nil {
		log.Fatal(err)
	}
	// Meanwhile, in Personio, someone leaves.
	srv.Mutate(func(c *personiotest.Company) {
		if err := c.Terminate(10003, fakecompany.DefaultToday(), time.Now()); err != nil {
			log.Fatal(err)
		}
	})
	if err := nightly(ctx, dir, false); err != nil {
		log.Fatal(err)
	}
	// Output:
	// full pass (first sync): 30 users read, 30 in the directory
	// incremental pass: 1 users read, 30 in the directory
	// left: Anna García (deactivated)
}
