package temporalsync

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// WorkflowID returns the workflow ID of a tenant's syncs: "hrisconnect-sync-<tenant>".
// Runs started with [StartOptions] have exactly this ID, so that a tenant has at most one
// of them at a time; runs started by the tenant's schedule have it followed by the
// scheduled time.
func WorkflowID(tenantID string) string { return "hrisconnect-sync-" + tenantID }

// ScheduleID returns the ID of a tenant's sync schedule: "hrisconnect-schedule-<tenant>".
func ScheduleID(tenantID string) string { return "hrisconnect-schedule-" + tenantID }

// ScheduleOptions returns the options of a tenant's sync schedule, for
// client.ScheduleClient().Create: ID ScheduleID(in.TenantID); the action starts
// [SyncWorkflow] with in on taskQueue; spec says when (a nightly calendar or cron spec,
// with a time zone and some jitter to spread many tenants); and the overlap policy is
// skip, so that a sync still running when the next is due (or when someone triggers one
// with ScheduleHandle.Trigger) lets it pass. Change the other fields as needed before
// creating the schedule.
//
// A manual sync is ScheduleHandle.Trigger on the tenant's schedule: the schedule's
// overlap policy then keeps it from running beside a scheduled one. Tenants without a
// schedule use [StartOptions].
func ScheduleOptions(in SyncInput, taskQueue string, spec client.ScheduleSpec) client.ScheduleOptions {
	return client.ScheduleOptions{
		ID:   ScheduleID(in.TenantID),
		Spec: spec,
		Action: &client.ScheduleWorkflowAction{
			ID:        WorkflowID(in.TenantID),
			Workflow:  WorkflowName,
			Args:      []any{in},
			TaskQueue: taskQueue,
		},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
	}
}

// StartOptions returns the options of a manual sync of a tenant, for
// client.ExecuteWorkflow(ctx, StartOptions(tenant, queue), WorkflowName, in): the workflow
// ID is WorkflowID(tenantID), and starting a sync while one with that ID is running
// returns the running one instead of starting a second.
func StartOptions(tenantID, taskQueue string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       WorkflowID(tenantID),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}
}
