// Package personiotest is an in-process fake of the Personio API (v1 and v2) for tests:
// an [httptest] server on 127.0.0.1 that renders a seeded [fakecompany.Company] as
// Personio's JSON, reproduces the real service's behaviour where it differs from the
// published schemas, and can misbehave on request (quirks, faults, rate limits, token
// expiry), while recording every request.
//
//	s := personiotest.NewServer(personiotest.WithGenerated(7, 1000))
//	defer s.Close()
//	c, err := personio.New(s.ClientConfig()) // its credential, URL, HTTP client, time zone and rate
//
// # Endpoints
//
// v1 (base s.URL + "/v1"):
//
//   - POST /v1/auth — the credential as query parameters, a JSON body or a form body →
//     {"success":true,"data":{"token":"papi-…"}}; the same token again for the same
//     credential while it is valid (24 h by default). Wrong credentials → 401 "Wrong
//     credentials"; missing ones → 400.
//   - GET /v1/company/employees — limit (default 50, at most 100: larger values are
//     clamped to 100, whose echo in "limit" shows the clamp; < 1 or not a number → 400),
//     0-based record offset, metadata {total_elements, current_page = offset/limit,
//     total_pages = ceil(total/limit)} plus top-level offset and limit; email (exact,
//     case-insensitive); attributes[] (projection, id always present; also accepted as
//     attributes=a,b); updated_since ("2022-12-24T08:15:30" in the company's zone, or
//     RFC 3339; records with last_modified_at ≥ it) which ignores email, limit and
//     offset and returns every match in one response. With attributes[] it acts as the
//     changed-attribute filter only approximately: the fake keeps one modification time
//     per person. Records are ordered by id.
//   - GET /v1/company/employees/{id} — 404 {"success":false,"error":{"code":404,"message":
//     "Es ist ein Problem aufgetreten "}} (German, trailing space, in every language).
//   - GET /v1/company/employees/attributes and its alias …/custom-attributes.
//   - GET /v1/company/employees/{id}/profile-picture/{width} and …/profile-picture (the
//     link every record carries, the original size): a PNG (image/png) drawn for the
//     person, width×width pixels, at most the original 256; the same picture at every
//     request, another for every person. About one person in eight has no picture
//     (which ones is a fixed function of the id). 404 {"success":false,"error":{"code":
//     404,"message":"Etwas ist schiefgelaufen ..."}} for a person without a picture, an
//     unknown person, a width that is not a positive integer, or a credential that may
//     not read profile_picture, as Personio's description documents. The answer
//     carries no Authorization header and, under legacy rotation, consumes no token.
//
// Every /v1/company/* call needs "Authorization: Bearer <token>": missing → 401
// "Authorization is not provided"; unknown, expired or (legacy rotation) consumed → 401
// with "The token is not valid", "The token has expired" or "The token has been
// blacklisted". Every authenticated response echoes "Authorization: Bearer <token>".
//
// v2 (base s.URL + "/v2"):
//
//   - POST /v2/auth/token — application/x-www-form-urlencoded only (JSON → 400
//     invalid_request), grant_type=client_credentials only (else unsupported_grant_type),
//     wrong credential → 400 unauthorized_client, unknown or ungranted scope → 400
//     invalid_scope, missing fields → 400 invalid_request with meta.missing_parameters.
//     Errors are OAuth2 bodies (application/problem+json). expires_in follows the TTL.
//   - GET /v2/persons (limit 1–50, default 10; id and email comma lists, first_name,
//     last_name, preferred_name (case-insensitive exact), created_at, updated_at with .gt
//     and .lt (RFC 3339), status ACTIVE|INACTIVE; an unknown operator or a bad value →
//     400) and GET /v2/persons/{id}.
//   - GET /v2/persons/{id}/employments (limit 1–50, default 10; id, updated_at[.gt|.lt];
//     most recent first) and …/employments/{id}. GET /v2/employments?cursor=… serves
//     the page of an employments cursor, where the links lead under the
//     EmploymentLinksAtRoot quirk; without a cursor it answers 404.
//   - GET /v2/legal-entities (limit 1–100, default 20; id, country; newest first) and
//     GET /v2/legal-entities/{id}.
//   - GET /v2/org-units (type optional, include_parent_chain, sort=id; limit 1–100,
//     default 20; 404 under [WithoutOrgUnitList]) and GET /v2/org-units/{id}?type=… (type
//     required).
//   - The webhook management API: GET and POST /v2/webhooks, GET, PATCH and DELETE
//     /v2/webhooks/{id}, GET …/events and …/activity, POST …/ping and …/test-event (see
//     Webhooks below).
//
// v2 lists are cursor-paged: the cursor ("cur_…") appears only in
// _meta.links.next.href, an absolute URL whose query is just cursor=…, absent on the
// last page. The filters and limit of the first request are kept server-side with the
// cursor; parameters sent along with a cursor are ignored. Person cursors are keyset
// positions (the last id served), so people hired or removed during a listing neither
// shift nor repeat records. Cursors are deterministic and bounded ([WithMaxCursors]); an
// unknown, evicted or foreign cursor → 400.
//
// v2 resource errors use Personio's envelope (application/problem+json):
// {"personio_trace_id","timestamp","errors":[{"title","detail","type","_meta"}]}. A
// missing, unknown or expired token → 401; a token without the endpoint's scope → 403
// "Insufficient access scope". v1 tokens are not accepted by v2 and vice versa.
//
// Unknown paths answer 404 and known paths with another method 405 (with Allow).
//
// # Webhooks
//
// The server serves Personio's webhook management API and delivers dataless events to
// the subscribed URLs when its company changes through [Server.Mutate].
//
// Management: GETs need [ScopeWebhooksRead], the rest [ScopeWebhooksWrite] (403
// "Insufficient access scope" otherwise). Create requires url (an absolute https URL),
// description and enabled_events (known event names, lower case); status defaults to
// DISABLED and auth_type to TOKEN; TOKEN needs a token, CUSTOM 1 to 3 custom_headers
// whose names neither equal nor start with host, content-length, transfer-encoding,
// connection, upgrade, te, trailer, expect or content-type; a token or headers that the
// auth type does not use are refused. Missing fields and malformed JSON answer 400,
// broken rules 422, unknown ids 404; create answers 201, delete 204. PATCH changes the
// fields sent and checks the result the same way. The three lists take limit (1–200,
// default 100) and page with cur_… cursors like the other v2 lists, oldest first; the
// webhook list filters by enabled_events and status, the events by occurred_at.gte/.lte
// (inclusive) and event_name, the activity by completed_at.gte/.lte, event_name and
// is_delivered. Events and delivery attempts are kept for [WebhookRetention] (30 days)
// by the server's clock ([WithClock]).
//
// Events: a change made with Mutate is compared with the company before it. A hire fires
// person.created and employment.created; a change of first_name, last_name, gender,
// preferred_name, email or a custom attribute fires person.updated; a change of the
// employment other than the job (department, team, supervisor, office, legal entity,
// status, dates, hours, cost centres, termination) fires employment.updated; a deletion
// fires person.deleted and employment.deleted. A job change fires nothing. The events go
// to the ENABLED webhooks that enable them, and are recorded for the Events API; ping and
// test-event deliver to the webhook whatever its status, and are not recorded.
//
// Delivery: a POST of {"company_id","event_name","occurred_at","payload"} with
// Content-Type application/json and the webhook's credentials (the exact token in
// Authorization, or the custom headers), through [WithWebhookClient]'s client, following
// no redirects. A 2xx within [WebhookAckTimeout] (3 s) acknowledges; a timeout, a failed
// connection or a 5xx other than 501 is sent again at once (two requests per attempt) and
// then after each of the retry delays ([DefaultWebhookRetryDelays]: 6 retries within 3
// days, 14 requests at most; [WithWebhookRetryDelays] compresses them); a 3xx, a 4xx or
// 501 ends the delivery. Every request is recorded for the Activity API and
// [Server.WebhookAttempts]. Each webhook's deliveries are sent in order, one after the
// other, on goroutines of their own: Mutate never waits for them. A failing delivery waits
// for its retries on a goroutine of its own, so it does not hold up the next ones.
// [Server.SetWebhookDelivery] holds, reorders, duplicates or delays deliveries;
// [Server.WaitWebhooks] waits until they are done; Close stops them. The retry delays are
// Go timers: in a testing/synctest bubble, with deliveries to an in-memory handler (a
// client whose Transport calls it) and Mutate called in the bubble, the whole schedule
// runs in virtual time.
//
// # Rendering
//
// v1 employees follow Personio's published example: every attribute is
// {label, value, type, universal_id}; the supervisor is a nested attribute-wrapped
// Employee (id, first_name, last_name, email), other relations are plain nested objects
// ({"type":"Department","attributes":{"id":…,"name":…}}), cost_centers and
// absence_entitlement are arrays; unset relations are null and unset lists []; standard
// calendar days are the instant of midnight in the company's zone, in UTC with
// milliseconds ("2014-11-08T23:00:00.000Z" is 9 November in Berlin, "…T22:00:00.000Z" in
// summer); created_at and last_modified_at are local times with their offset
// ("2017-05-23T09:49:03+02:00"); weekly_working_hours is a string; fix_salary and
// hourly_salary carry a currency. Custom attributes are dynamic_<n> with a nullable
// universal_id and typed values: numbers as numbers, list and tags values as strings, and
// dates as midnight UTC ("2021-01-01T00:00:00.000Z"), as in Personio's example. The
// personnel number is rendered as the custom attribute [PersonnelNumberKey]. Labels are
// English or German ([WithLanguage]). Unset text values are "" except
// termination_type and termination_reason, which are null as in Personio's example; unset
// custom values are null.
//
// v2 persons have string ids, upper-case gender and status, a profile_picture {url} (the
// v1 link), custom_attributes (only those with a value), employments [{id}] and _meta
// links. A custom attribute has its id (the v1 key), type, a string global_id (the
// universal id, else the key), its label (in the language of [WithLanguage]) and a
// value as the schema types it: a string (numbers too: "2", "2.5"; dates
// "2006-01-02") or, for tags, a list of strings. Employments have plain "2006-01-02"
// dates, {id} references, job {id} (the job of the position title: the same UUID for
// everybody with that title), org_units [{type,id}] for team and department, a
// termination block when a termination date is set, and position.title. An unset
// date or reference of an employment (no contract end, no probation, not ended, no
// supervisor for the head of the company, no office or legal entity) is null, as
// employment_end_date in Personio's examples and supervisor in clients that read live
// data (the evidence is beside v2EmploymentJSON in the source).
//
// Data fakecompany does not model is derived deterministically from each person: salary,
// holiday calendar (from the office, else the legal entity's country), work schedule,
// absence entitlement, vacation balance, the job of a position title, the profile
// picture. Most people have one employment; about one in
// twelve long-serving employees also has an older, inactive one at the other legal
// entity, ended by a SUB_COMPANY_SWITCH termination (the v1 hire_date stays the first
// day).
//
// # Assumptions where Personio publishes nothing
//
// These shapes and values are the fake's choice and may differ from the real service:
//
//   - Scopes: [ScopePersonsRead], [ScopeEmploymentsRead], [ScopeLegalEntitiesRead],
//     [ScopeOrgUnitsRead].
//   - Org units: {"id":"401","type":"department","name":"Engineering",
//     "abbreviation":"ENG","description":null,"parent_id":null}; teams have their
//     department as parent_id; include_parent_chain=true adds "parent_chain" (the
//     ancestors, nearest first). The abbreviation is derived from the name.
//   - Legal entities: {"id":"170","name":"… GmbH","country":"DE","created_at":"…"},
//     created the day(s) before the company's first person record.
//   - The v1 429 body is {"success":false,"error":{"code":429,"message":"Too Many
//     Requests"}}, the v2 one a problem+json envelope, that of POST /v2/auth/token an
//     OAuth2 error (temporarily_unavailable); none has Retry-After unless
//     [WithRateLimitRetryAfter].
//   - The v2 rate limits: Personio documents none for persons and employments;
//     [WithDocumentedRateLimits] gives them the v1 employee list's limit.
//   - Wrong v2 credentials answer 400 unauthorized_client (as Personio's token endpoint
//     documents), not 401.
//   - Webhooks: the webhook object renders id, url, description, status, auth_type and
//     enabled_events, never the token or the custom headers; create answers the object
//     bare (not wrapped in _data). Validation splits 400 (missing fields, malformed JSON)
//     from 422 (rules broken); 409 is never answered. Event items are {id, company_id,
//     event_name, occurred_at, payload}; activity items {id, event_id, event_name,
//     completed_at, is_delivered, status_code, error, attempt, request}, one per request.
//     Ping and test-event answer {event_id, event_name}; redelivery is not served.
//   - Webhook events: the employment.updated triggers (Personio does not publish them),
//     the payloads {"person":{"id":"…"}} and {"employment":{"id":"…"},"person":{"id":"…"}},
//     events only for ENABLED webhooks, and one occurred_at (the server's clock) for all
//     the events of one Mutate. employment.started, employment.terminated (sent on the
//     day) and employment.updated.cost-centers are not sent; language_code is not
//     modelled.
//   - Delivery: the retry delays (Personio says "increasing delays" up to 3 days), that
//     retries use the webhook's credentials as they are when the retry is sent, that a
//     deleted webhook's pending deliveries are dropped, and that deliveries carry no
//     signature ([WithWebhookSigner] adds one a test defines).
//   - The global_id of a custom attribute without a universal id is its key; null
//     office, legal_entity and sub_company for an employment without them (Personio
//     shows only employment_end_date and, in clients, supervisor null); job ids are
//     UUIDs of the position title; profile pictures are 256 pixels wide at most.
//
// # Rate limits and latency
//
// [WithDocumentedRateLimits] enforces Personio's documented limits (300 requests a
// minute in bursts of 15 on the employee list, 60 a minute on /v1/auth) and states what
// it assumes for v2; [WithRateLimit] and [WithAuthRateLimit] set other limits. The token
// buckets belong to the server, as Personio's belong to the credential, so a client that
// starts right after another finds them as the first one left them. Server.RateLimited
// counts the 429s they answered, Server.Count the requests per path. [WithLatency] sets
// the response time. Server.Handler serves the same API in memory, without a socket, and
// Server.InMemoryClient is an *http.Client that calls it: given to a client inside a
// testing/synctest bubble, the latency and the rate limits follow the bubble's virtual
// clock, so a test of a client's pacing takes no real time.
//
// # Quirks and faults
//
// [Quirks] reproduce reported bugs of the real API (a record repeated across a page
// boundary, a next link that points at its own page or backwards, relative next links,
// numbers as strings, oversized and empty pages, last_working_date), and shapes of
// Personio's own documented examples that the real service is not known to send by
// default (offsets without a colon, weekly hours as a number, an office or team without
// id, v1 errors with code 0 and error_data, employment links to /v2/employments, list
// totals that disagree with the records, the birthday as a dynamic attribute), so that
// a client's handling of them can be tested; each is documented on its field. A new
// server starts with [DefaultQuirks]: lower-case v2 custom attribute types, as the real
// service sends them. Server.Inject adds transport-level faults from the shared fault machinery:
// status bursts (e.g. a 502 with an HTML body), latency, truncated bodies, connection
// resets, invalid JSON and body rewrites. [Server.Mutate] changes the company between
// requests (to show the record shift of offset paging), [Server.ExpireTokens] forces
// re-authentication, and Server.Requests and Server.Count tell a test what its client
// sent.
//
// Pages are rendered on demand from the company under a read lock, with encoding/json;
// a page of 100 v1 employees with every attribute takes a few milliseconds whatever the
// size of the company, so companies of 100,000 people are practical. Everything a server renders is a function of its company and options
// (tokens, which are random, aside), and every method is safe for concurrent use.
package personiotest
