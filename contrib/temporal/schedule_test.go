package temporalsync_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
)

func TestScheduleOptions(t *testing.T) {
	t.Parallel()
	in := temporalsync.SyncInput{TenantID: "acme", BatchSize: 100}
	spec := client.ScheduleSpec{CronExpressions: []string{"0 0 * * *"}, TimeZoneName: "America/Los_Angeles", Jitter: 30 * time.Minute}
	got := temporalsync.ScheduleOptions(in, "hris", spec)
	wantAction := &client.ScheduleWorkflowAction{
		ID:        "hrisconnect-sync-acme",
		Workflow:  temporalsync.WorkflowName,
		Args:      []any{in},
		TaskQueue: "hris",
	}
	if got.ID != "hrisconnect-schedule-acme" || got.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_SKIP {
		t.Errorf("schedule ID %q, overlap %v; want hrisconnect-schedule-acme, skip", got.ID, got.Overlap)
	}
	if diff := cmp.Diff(spec, got.Spec); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	action, ok := got.Action.(*client.ScheduleWorkflowAction)
	if !ok {
		t.Fatalf("action %T, want *client.ScheduleWorkflowAction", got.Action)
	}
	if action.ID != wantAction.ID || action.Workflow != wantAction.Workflow || action.TaskQueue != wantAction.TaskQueue || !cmp.Equal(action.Args, wantAction.Args) {
		t.Errorf("action %+v, want %+v", action, wantAction)
	}

	start := temporalsync.StartOptions("acme", "hris")
	if start.ID != "hrisconnect-sync-acme" || start.TaskQueue != "hris" || start.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING {
		t.Errorf("StartOptions = %+v, want the tenant's workflow ID, the queue, and the running workflow on conflict", start)
	}
}
