// Package webhook receives Personio's v2 webhook deliveries and turns them into
// changes: a [Receiver] (an http.Handler that authenticates each delivery, decodes its
// envelope, queues it and answers Personio at once) and a [Tracker] (which turns the
// queued events into the joiners, movers, leavers and other changes of
// [snapshot.Change], with catch-up from Personio's Events API and reconciliation by a
// full listing).
//
// Personio asks integrators to use webhooks instead of polling ("Where webhooks are
// available, API requests will have set rate limits and repetitive polling will not be
// permitted"). Its webhooks cover persons and employments (and absences, attendances and
// documents). They are dataless: an [Event] names the company, the event and the ids of
// the resources concerned, and the consumer fetches the data (personio.Client.GetPerson,
// ListEmployments), which is what a Tracker does. Subscriptions are managed with
// personio.Client.CreateWebhook and its siblings.
//
// # Using it
//
//	rcv, err := webhook.New(webhook.Config{
//		Auth:      webhook.Auth{Type: webhook.AuthToken, Token: token},
//		CompanyID: companyID,
//	})
//	mux.Handle("POST /personio/webhook", rcv)
//	tracker, err := webhook.NewTracker(webhook.TrackerConfig{
//		Directory: client.Directory(personio.WithV2()),
//		State:     state, // snapshot.Take of the directory, or a saved tracker.State()
//		Apply:     func(ctx context.Context, c snapshot.Change) error { /* the account */ },
//	})
//	go tracker.Run(ctx, rcv.Events())
//	// after downtime: tracker.CatchUp(ctx, client, webhookID, saved.TakenAt.Add(-webhook.RetryWindow))
//	// daily or so:    tracker.Reconcile(ctx)
//	// on shutdown:    server.Shutdown(ctx), then rcv.Close(); Run returns when done
//
// A receiver serving many companies on one URL sets Config.AuthFor, a lookup of each
// company's credentials, instead of Config.Auth.
//
// # What Personio documents, and what is inferred
//
// From Personio's webhooks guide and reference (developer.personio.de/docs/webhooks,
// /reference/webhooks; api-notes/personio-webhooks.md §2–§4 in this project's notes):
//
//   - Deliveries are POSTs to an HTTPS URL, must be acknowledged with a 2xx within 3
//     seconds, and do not follow redirects.
//   - Unacknowledged deliveries and 5xx answers other than 501 are retried for up to 3
//     days, at most 14 requests in all. 4xx answers are not retried.
//   - Authentication is the webhook's auth_type: TOKEN puts the exact configured token in
//     the Authorization header (no prefix added), CUSTOM sends up to three configured
//     headers, NONE sends nothing.
//   - The envelope is {company_id, event_name, occurred_at, payload, meta?}, the first
//     four required; it carries no event or delivery id.
//   - Deliveries are signed with HMAC-SHA256 over a timestamp and the body; the rest of
//     the scheme is not published (see [Verifier]).
//
// Inferred, and decoded leniently for that reason: that payloads hold {"id": ...} stubs
// keyed by resource (one published fragment, with the key spelled absence-period in the
// docs and absence_period on the wire), that ids may be numbers, and that the
// Content-Type is application/json. Duplicates and reordering are certain in practice
// (retries, fast double attempts, redeliveries): the Receiver passes every delivery on,
// and the Tracker makes them harmless (one fetch per person however many events, and a
// comparison of records rather than of events).
//
// # Losing nothing
//
// The Receiver acknowledges a delivery once it is queued, before it is processed, and
// Personio does not retry 4xx answers. Events still queued when the process stops, and
// deliveries answered 400, are therefore lost to the receiver; the Events API
// (personio.Client.WebhookEvents) keeps every event of the last 30 days, and
// Tracker.CatchUp replays it. Some changes fire no event at all (a job change), and a
// gap longer than 30 days cannot be replayed: Tracker.Reconcile lists the whole
// directory and compares. Webhooks give latency, reconciliation completeness; see
// docs/events.md in this module for the guarantee and how often to run which.
package webhook
