// Package latticetest is an in-process fake of the Lattice Talent API (v1), for testing
// code that reads people from Lattice without a Lattice account, in the mould of
// net/http/httptest.
//
// [NewServer] starts a server on a loopback address that serves a [Company], by default
// GenerateCompany(1, 50). The company model is shared with the Personio fake, so the same
// people exist in both: a person's Lattice externalUserId is their Personio employee id.
// The server renders the company on the fly, so a 100,000-person company is served as fast
// as a small one, and its answers are deterministic for a given company.
//
//	srv := latticetest.NewServer(latticetest.WithGenerated(42, 1000))
//	defer srv.Close()
//	c, err := lattice.New(srv.ClientConfig()) // its API key, URL, HTTP client and rate
//
// or, without the client:
//
//	req, _ := http.NewRequest("GET", srv.URL+"/v1/users?limit=100&status=NULL", nil)
//	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
//	resp, err := srv.Client().Do(req)
//
// # Routes
//
//	GET /v1/me                              the key's user
//	GET /v1/users                           list of users
//	GET /v1/user/{id}                       one user (any status)
//	GET /v1/user/{id}/directReports         list of the user's direct reports
//	GET /v1/user/{id}/customAttributes      list of the user's custom attribute values
//	GET /v1/user/{id}/tasks                 list of the user's tasks (always empty)
//	GET /v1/departments                     list of departments
//	GET /v1/department/{id}                 one department
//
// Item paths are singular, as in Lattice: /v1/users/{id} and /v1/departments/{id} answer
// 404, as does every other unknown path. Other methods on these paths answer 405. Errors
// have the body {"error": "<message>"}; unknown ids answer 404.
//
// # Authentication
//
// Requests need "Authorization: Bearer <key>"; a missing or unknown key answers 401.
// [Server.APIKey] is a full-access key whose user (GET /v1/me) is an active admin.
// [Server.RestrictedKey] models a key made by someone without access to departments and
// custom attributes: it answers 403 there. [Server.AddKey] adds more keys.
//
// # Lists
//
// Every list answers {"object":"list","hasMore":bool,"endingCursor":string|null,"data":[...]}.
// limit defaults to 10; values above 100 are clamped to 100 (Lattice's maximum); a limit
// that is not a positive integer answers 400. startingAfter takes the endingCursor of the
// previous page, which is the id of that page's last item; an unknown cursor answers 400.
// endingCursor is null on the last page. Items come in a stable order: users in order of
// creation (by Personio employee id), departments and custom attributes in the company's
// catalogue order. A listing survives changes made with [Server.Mutate] between pages:
// users added after the cursor appear, users removed disappear, and a cursor naming a
// removed user still marks its place.
//
// # Status filter
//
// GET /v1/users lists ACTIVE users only unless asked otherwise, as Lattice does.
// status=ACTIVE, INVITED, CREATED or DEACTIVATED selects one status; the parameter may be
// repeated (status=ACTIVE&status=DEACTIVATED) for the union, which real Lattice is not
// documented to support. status=NULL (the literal) lists every status and cannot be
// combined with other values. Comma-separated lists, lower-case or unknown values answer
// 400. Unknown parameters, such as the state=ACTIVE some integrations send, are ignored.
// GET /v1/user/{id}/directReports lists reports of every status unless status narrows it.
//
// A person's status is [fakecompany.Person.LatticeStatus]: leavers are DEACTIVATED (and
// keep their manager), people not yet started are CREATED, and a few active people are
// INVITED.
//
// # Objects
//
// Users, departments and custom attribute values have the JSON shapes of the API notes
// (camelCase; Unix-second createdAt and updatedAt; YYYY-MM-DD dates; reference stubs
// {"object","id","url"} for manager and department, null when absent; list references
// {"object":"list","url"} for directReports, tasks and customAttributes). name is the
// preferred first name (else the first name) and the last name; preferredName is null
// when the person has none. jobLevel comes from the custom attribute labelled "Job level";
// jobFunction and jobType are null. About one person in fifty was created directly in
// Lattice and has a null externalUserId ([CreatedInLattice], [WithAllExternalIDs]).
// Custom attribute values are strings, except numbers (JSON numbers) and multi-select
// values (arrays of strings). URLs are "/v1/..." paths, or absolute with [WithAbsoluteURLs].
//
// # Rate limits, latency and faults
//
// [WithDocumentedRateLimit] enforces Lattice's documented limit, 240 requests per minute
// per API key (with bursts of 4, an assumption); [WithRateLimit] sets another. Each key has a token bucket that belongs to the server, so a client that
// starts right after another finds the bucket as the first one left it. Over the limit
// the server answers 429 with Retry-After in seconds (as Lattice does) and an
// {"error": ...} body, and no X-RateLimit headers unless [WithRateLimitHeaders] asks for
// them. [WithLatency] sets the response time. Server.Inject queues faults (status bursts,
// delays, truncated bodies, connection resets, invalid JSON, rewritten bodies) that act
// before authentication; [Quirks] make the list endpoints misbehave in the ways that lose
// or duplicate data in careless clients (a repeated or backwards cursor, a user on two
// pages, oversized pages, an empty page with more to come, hasMore without a cursor).
// Server.Requests, Server.Count and Server.RateLimited report what the server received
// and how many requests its rate limit refused.
//
// Server.Handler serves the same API in memory, without a socket, and
// Server.InMemoryClient is an *http.Client that calls it: given to a client inside a
// testing/synctest bubble, the latency and the rate limit follow the bubble's virtual
// clock, so a test of a client's pacing takes no real time and does not depend on the
// machine's speed.
//
// # SCIM
//
// [WithSCIM] adds a SCIM 2.0 subset with the same keys and user ids:
// GET /scim/v2/Users (filter `userName eq "x"`, `emails eq "x"`, `emails.value eq "x"`,
// `externalId eq "x"` or `id eq "x"`; startIndex and count, count at most 100; a
// ListResponse), GET /scim/v2/Users/{id}, and PATCH /scim/v2/Users/{id} with a PatchOp
// that replaces active. Deactivating a user through SCIM makes the REST API list them as
// DEACTIVATED.
package latticetest
