// Package lattice is a client of the Lattice Talent API (v1) and its adapter to the
// provider-neutral unified.Directory.
//
// # The client
//
// [New] takes a [Config] with a Lattice API key and returns a [Client]:
//
//	c, err := lattice.New(lattice.Config{APIKey: key}) // Region: lattice.RegionEMEA for the EU host
//
// The typed API mirrors the endpoints: [Client.Me], [Client.ListUsers] and its iterator
// [Client.Users], [Client.GetUser] (GET /v1/user/{id}: item paths are singular),
// [Client.DirectReports], [Client.CustomAttributes], [Client.ListDepartments] and
// [Client.GetDepartment]. Related objects arrive as reference stubs ([Ref]); the Follow
// methods read what a stub points to, resolving its url whether it is a path or an
// absolute URL, and only on the API's own origin.
//
// Lists are cursor pages of at most 100 items; the client always asks for 100 unless told
// otherwise (the API's default is 10). The iterators stop when the API says there is no
// more, never because a page is empty, and fail with unified.ErrCursorLoop when the API
// repeats a cursor. GET /v1/users returns only ACTIVE users unless asked, so
// [Client.ListUsers] asks for every status unless ListUsersOptions.Statuses (in the
// unified.Status vocabulary) narrows it.
//
// Timestamps (Unix seconds in the API) become time.Time in UTC; days ("YYYY-MM-DD") become
// unified.Date, so a birthday never shifts with a time zone; nulls are zero values.
//
// Every request goes through one HTTP stack: a client-side rate limiter (Lattice allows
// 240 requests per minute per key; Config.Limiter shares one budget between clients),
// retries of 429, 502, 503, 504, connection failures and bodies cut short, honouring
// Retry-After, at most Config.MaxAttempts requests per call whatever fails, error
// answers as *unified.APIError (errors.Is(err, unified.ErrNotFound), ErrUnauthorized,
// ErrForbidden, ErrRateLimited work as for every provider), a cap on response sizes, and
// redaction: the API key never appears in errors, logs or fmt output of Config and
// Client.
//
// # The directory
//
// [Client.Directory] returns a [Directory], Lattice as a unified.Directory and
// unified.Streamer. It lists users of every status (a provisioning tool must see
// leavers), sends a one-status filter to the API and applies the rest of a
// unified.Filter itself, resolves department names (listed once and cached) and, with
// WithManagerNames, the names and emails of managers (by ID only otherwise), and maps
// each user to a unified.User through the mapping package ([DefaultSpec] by
// default; WithSpec or WithMapper to change it). Custom attributes cost one request per
// user and are loaded only with WithCustomAttributes.
//
// [Directory.StreamUsers], which unified.Users uses, reads the listing one page ahead of
// the caller: the request for the next page goes out, on one goroutine, once the current
// page has been decoded and checked, while the caller works through it.
//
// Lattice keeps a person's name as one string. The default mapping splits it at the
// first space into first and last name; that is a guess ("Ada King Lovelace" gives "Ada"
// and "King Lovelace"), so override first_name and last_name when a better source exists.
//
// The fake server in package latticetest serves the same API in-process for tests.
package lattice
