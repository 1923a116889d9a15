// Command starter manages the syncs of a tenant on a Temporal server: the nightly
// schedule, and manual syncs. Run the worker first (go run ./examples/worker -h); both
// need a Temporal server, for a local one `temporal server start-dev`.
//
//	go run ./examples/starter run -tenant demo -first       # the first sync, waits for the result
//	go run ./examples/starter schedule -tenant demo         # nightly at 00:00 in Los Angeles, 30 min jitter
//	go run ./examples/starter trigger -tenant demo          # a manual sync through the schedule
//	go run ./examples/starter run -tenant demo              # a manual sync without a schedule
//
// A manual sync through the schedule (trigger) is skipped while a sync of the tenant is
// running, by the schedule's overlap policy. A manual sync with run uses the tenant's
// workflow ID, so a second run while the first is going returns the first.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: starter run|schedule|trigger|unschedule [flags]")
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	hostPort := fs.String("address", envOr("TEMPORAL_ADDRESS", client.DefaultHostPort), "Temporal frontend address")
	namespace := fs.String("namespace", envOr("TEMPORAL_NAMESPACE", client.DefaultNamespace), "Temporal namespace")
	queue := fs.String("queue", "hrisconnect-sync", "task queue of the syncs")
	tenant := fs.String("tenant", "", "tenant ID (required)")
	first := fs.Bool("first", false, "run: the tenant's first sync (every user is a joiner)")
	wait := fs.Bool("wait", true, "run: wait for the sync's result")
	cron := fs.String("cron", "0 0 * * *", "schedule: when, as a cron expression")
	tz := fs.String("tz", "America/Los_Angeles", "schedule: time zone of the cron expression")
	jitter := fs.Duration("jitter", 30*time.Minute, "schedule: random delay, to spread many tenants")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *tenant == "" {
		return errors.New("-tenant is required")
	}

	c, err := client.Dial(client.Options{HostPort: *hostPort, Namespace: *namespace})
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s (is `temporal server start-dev` running?): %w", *hostPort, err)
	}
	defer c.Close()
	ctx := context.Background()
	in := temporalsync.SyncInput{TenantID: *tenant, FirstRun: *first}

	switch cmd {
	case "run":
		wr, err := c.ExecuteWorkflow(ctx, temporalsync.StartOptions(*tenant, *queue), temporalsync.WorkflowName, in)
		if err != nil {
			return err
		}
		fmt.Printf("sync of %s: workflow %s, run %s\n", *tenant, wr.GetID(), wr.GetRunID())
		if !*wait {
			return nil
		}
		var res temporalsync.SyncResult
		if err := wr.Get(ctx, &res); err != nil {
			return err
		}
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Println(string(b))
	case "schedule":
		in.FirstRun = false // a schedule runs after the first sync
		spec := client.ScheduleSpec{CronExpressions: []string{*cron}, TimeZoneName: *tz, Jitter: *jitter}
		opts := temporalsync.ScheduleOptions(in, *queue, spec)
		// A sync that could not run for most of a day waits for the next night.
		opts.CatchupWindow = 6 * time.Hour
		if _, err := c.ScheduleClient().Create(ctx, opts); err != nil {
			return err
		}
		fmt.Printf("schedule %s: %q in %s\n", opts.ID, *cron, *tz)
	case "trigger":
		h := c.ScheduleClient().GetHandle(ctx, temporalsync.ScheduleID(*tenant))
		if err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP}); err != nil {
			return err
		}
		fmt.Printf("triggered schedule %s (skipped if a sync of %s is running)\n", temporalsync.ScheduleID(*tenant), *tenant)
	case "unschedule":
		if err := c.ScheduleClient().GetHandle(ctx, temporalsync.ScheduleID(*tenant)).Delete(ctx); err != nil {
			return err
		}
		fmt.Printf("deleted schedule %s\n", temporalsync.ScheduleID(*tenant))
	default:
		return fmt.Errorf("unknown command %q: want run, schedule, trigger or unschedule", cmd)
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
