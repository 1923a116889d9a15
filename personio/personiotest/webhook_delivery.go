package personiotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"time"
)

// WebhookAckTimeout is how long a delivery request may take to be answered: Personio
// counts a delivery as acknowledged only when a 2xx arrives within 3 seconds.
const WebhookAckTimeout = 3 * time.Second

// DefaultWebhookRetryDelays returns the waits before the 6 extended retries of a
// delivery: 1 minute, 10 minutes, 1 hour, 6 hours, 24 hours and 36 hours, 67 hours in
// all. Personio documents "increasing delays" over "up to 3 days" and at most 14
// requests, but not the delays themselves.
func DefaultWebhookRetryDelays() []time.Duration {
	return []time.Duration{time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 36 * time.Hour}
}

// WebhookDelivery changes how the server delivers webhook events, to reproduce what
// receivers meet in practice. The zero value delivers each event once, in the order the
// events occurred (for each webhook), as soon as they occur.
type WebhookDelivery struct {
	// Hold keeps new deliveries queued and unsent until Hold is cleared; deliveries
	// already being sent or retried go on.
	Hold bool
	// LastFirst sends each webhook's queued deliveries newest first, which reorders a
	// backlog: the deliveries held with Hold, or the events of one Mutate.
	LastFirst bool
	// Duplicates sends every delivery that many more times, each copy a delivery of its
	// own (with its own retries) of the same event.
	Duplicates int
	// Delay is waited before the first attempt of each delivery, one delivery after the
	// other.
	Delay time.Duration
}

// SetWebhookDelivery replaces the server's delivery behaviour; clearing Hold sends what
// was held.
func (s *Server) SetWebhookDelivery(d WebhookDelivery) {
	hs := s.hooks
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.policy = d
	for _, q := range hs.queues {
		hs.startLocked(s, q)
	}
}

// WebhookDelivery returns the server's delivery behaviour.
func (s *Server) WebhookDelivery() WebhookDelivery {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return s.hooks.policy
}

// WaitWebhooks waits until no delivery is being sent or waiting for a retry: every
// delivery not held ([WebhookDelivery].Hold) has been acknowledged or given up. Deliveries
// queued while it waits are waited for too. It returns ctx's error if ctx ends first.
// Retries wait on Go timers, so a receiver that keeps failing makes it wait as long as
// the retry delays; in a testing/synctest bubble use synctest.Wait instead.
func (s *Server) WaitWebhooks(ctx context.Context) error {
	for {
		s.hooks.mu.Lock()
		run := s.hooks.run
		s.hooks.mu.Unlock()
		if run == nil {
			return nil
		}
		select {
		case <-run.idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops the webhook deliveries (requests in flight are cancelled, retries are
// dropped), shuts the server down and waits for the requests in flight. It may be called
// more than once. In a testing/synctest bubble in which deliveries were sent, call it
// before the bubble ends unless synctest.Wait has seen every delivery finish.
func (s *Server) Close() {
	s.hooks.stop()
	s.serverBase.Close()
}

// delivery is one event to deliver to one webhook.
type delivery struct {
	hookID, eventID, name string
	body                  []byte
}

// hookQueue is the queue of a webhook's deliveries not yet attempted.
type hookQueue struct {
	pending []*delivery
	running bool // a dispatcher goroutine serves the queue
}

// deliveryRun is the life of the delivery goroutines: it starts with the first one and
// ends when the last one returns, so that a server used in a testing/synctest bubble
// leaves nothing of the bubble behind once its deliveries are done.
type deliveryRun struct {
	ctx    context.Context
	cancel context.CancelFunc
	active int
	idle   chan struct{} // closed when active drops to 0
}

// envelopeJSON is the body of a delivery.
type envelopeJSON struct {
	CompanyID  string          `json:"company_id"`
	EventName  string          `json:"event_name"`
	OccurredAt string          `json:"occurred_at"`
	Payload    json.RawMessage `json:"payload"`
}

// publish records the events a Mutate fired for every webhook enabled for them, and
// queues their deliveries.
func (hs *hookStore) publish(s *Server, evs []firedEvent) {
	if len(evs) == 0 {
		return
	}
	now := s.now()
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.prune(now)
	for _, ev := range evs {
		id := uuidFor(hookUUIDSeed, uuidEvent, hs.nextSeq())
		for _, h := range hs.hooks {
			if !h.enabled(ev.name) {
				continue
			}
			hs.events = append(hs.events, &hookEvent{seq: hs.nextSeq(), hookID: h.id, id: id, name: ev.name,
				occurred: now, payload: ev.payload})
			hs.queueLocked(s, h.id, id, ev.name, now, ev.payload)
		}
	}
}

// sendOne queues an event for one webhook without recording it for the Events API (a
// ping or test event) and returns its id.
func (hs *hookStore) sendOne(s *Server, hookID, name string, payload json.RawMessage) string {
	now := s.now()
	hs.mu.Lock()
	defer hs.mu.Unlock()
	id := uuidFor(hookUUIDSeed, uuidEvent, hs.nextSeq())
	hs.queueLocked(s, hookID, id, name, now, payload)
	return id
}

// queueLocked queues the deliveries of one event to one webhook and starts its
// dispatcher. hs.mu must be held.
func (hs *hookStore) queueLocked(s *Server, hookID, eventID, name string, at time.Time, payload json.RawMessage) {
	if hs.closed {
		return
	}
	body, _ := json.Marshal(envelopeJSON{CompanyID: hs.companyID, EventName: name,
		OccurredAt: at.UTC().Format(layoutWebhookTime), Payload: payload})
	q := hs.queues[hookID]
	if q == nil {
		q = &hookQueue{}
		hs.queues[hookID] = q
	}
	for range 1 + max(hs.policy.Duplicates, 0) {
		q.pending = append(q.pending, &delivery{hookID: hookID, eventID: eventID, name: name, body: body})
	}
	hs.startLocked(s, q)
}

// startLocked starts q's dispatcher if q has deliveries to send and none runs. hs.mu
// must be held.
func (hs *hookStore) startLocked(s *Server, q *hookQueue) {
	if q.running || hs.policy.Hold || len(q.pending) == 0 || hs.closed {
		return
	}
	q.running = true
	hs.goLocked(func(run *deliveryRun) { s.dispatch(run, q) })
}

// goLocked runs f on a goroutine of the current run, starting a run if there is none.
// hs.mu must be held.
func (hs *hookStore) goLocked(f func(run *deliveryRun)) {
	if hs.run == nil {
		ctx, cancel := context.WithCancel(context.Background())
		hs.run = &deliveryRun{ctx: ctx, cancel: cancel, idle: make(chan struct{})}
	}
	run := hs.run
	run.active++
	go func() {
		defer hs.exit(run)
		f(run)
	}()
}

// exit ends a delivery goroutine; the last one ends the run.
func (hs *hookStore) exit(run *deliveryRun) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	run.active--
	if run.active == 0 {
		run.cancel()
		close(run.idle)
		if hs.run == run {
			hs.run = nil
		}
	}
}

// stop cancels every delivery and waits for the delivery goroutines to return.
func (hs *hookStore) stop() {
	hs.mu.Lock()
	hs.closed = true
	for _, q := range hs.queues {
		q.pending = nil
	}
	run := hs.run
	hs.mu.Unlock()
	if run != nil {
		run.cancel()
		<-run.idle
	}
	if hs.ownClient {
		hs.client.CloseIdleConnections()
	}
}

// next takes the delivery q sends next; when there is none to send it marks q as not
// running and returns nil.
func (hs *hookStore) next(q *hookQueue) (*delivery, time.Duration) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.closed || hs.policy.Hold || len(q.pending) == 0 {
		q.running = false
		return nil, 0
	}
	var d *delivery
	if n := len(q.pending); hs.policy.LastFirst {
		d, q.pending[n-1] = q.pending[n-1], nil
		q.pending = q.pending[:n-1]
	} else {
		d, q.pending[0] = q.pending[0], nil
		q.pending = q.pending[1:]
	}
	return d, hs.policy.Delay
}

// dispatch sends q's deliveries one after the other: the first attempt of each, in
// order. A delivery whose first attempt failed in a way Personio retries is handed to a
// goroutine of its own that waits for the retries, so that one failing delivery does not
// hold up the others.
func (s *Server) dispatch(run *deliveryRun, q *hookQueue) {
	hs := s.hooks
	for {
		d, delay := hs.next(q)
		if d == nil {
			return
		}
		if delay > 0 && !sleep(run.ctx, delay) {
			return
		}
		if s.attempt(run.ctx, d, 1) {
			continue
		}
		hs.mu.Lock()
		hs.goLocked(func(run *deliveryRun) { s.retry(run, d) })
		hs.mu.Unlock()
	}
}

// retry makes the extended retries of a delivery whose first attempt failed.
func (s *Server) retry(run *deliveryRun, d *delivery) {
	for i, delay := range s.hooks.opts.delays {
		if !sleep(run.ctx, delay) || s.attempt(run.ctx, d, i+2) {
			return
		}
	}
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// attempt makes attempt number n of a delivery: up to two requests, the second only if
// the first failed in a way Personio retries. It reports whether the delivery is over:
// acknowledged, failed for good (a 3xx, a 4xx or 501), its webhook deleted, or the
// server closing.
func (s *Server) attempt(ctx context.Context, d *delivery, n int) bool {
	hs := s.hooks
	for req := 1; req <= 2; req++ {
		// The webhook as it is now: a token changed since the event occurred is used.
		hs.mu.Lock()
		h := hs.find(d.hookID)
		var cur hook
		if h != nil {
			cur = *h
			cur.headers = maps.Clone(h.headers)
		}
		hs.mu.Unlock()
		if h == nil {
			return true
		}
		status, err := s.post(ctx, &cur, d.body)
		if ctx.Err() != nil {
			return true
		}
		a := &WebhookAttempt{WebhookID: d.hookID, EventID: d.eventID, EventName: d.name, Attempt: n, Request: req,
			StatusCode: status, Delivered: err == nil && status/100 == 2, CompletedAt: s.now()}
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			a.Err = "not acknowledged within 3s"
		case err != nil:
			a.Err = err.Error()
		}
		hs.mu.Lock()
		a.seq = hs.nextSeq()
		a.ID = uuidFor(hookUUIDSeed, uuidAttempt, a.seq)
		if hs.find(d.hookID) != nil {
			hs.attempts = append(hs.attempts, a)
		}
		hs.mu.Unlock()
		if a.Delivered || !retried(status, err) {
			return true
		}
	}
	return false
}

// retried reports whether Personio retries a request that ended with status or err: a
// timeout or other failure to get an answer, or a 5xx other than 501. 3xx (redirects are
// not followed), 4xx and 501 are final.
func retried(status int, err error) bool {
	if err != nil {
		return true
	}
	return status/100 == 5 && status != http.StatusNotImplemented
}

// post sends one delivery request to h and returns the answer's status.
func (s *Server) post(ctx context.Context, h *hook, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, WebhookAckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	switch h.authType {
	case "TOKEN":
		req.Header.Set("Authorization", h.token)
	case "CUSTOM":
		for k, v := range h.headers {
			req.Header.Set(k, v)
		}
	}
	if sign := s.hooks.opts.sign; sign != nil {
		sign(req.Header, body)
	}
	resp, err := s.hooks.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}
