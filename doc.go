// Package hrisconnect reads people directories out of HR systems.
//
// The module is organised in small packages that each do one job:
//
//   - [github.com/hrisconnect/hrisconnect/unified] is the provider-neutral model: a
//     [unified.User], the [unified.Directory] interface every provider satisfies, filters,
//     opaque resumable cursors and [unified.Users], an iterator that pages for you.
//   - [github.com/hrisconnect/hrisconnect/orgchart] builds the management structure of a
//     list of users and draws it as DOT, Mermaid or SVG.
//   - [github.com/hrisconnect/hrisconnect/snapshot] keeps reads of a directory and
//     compares them: joiners, movers and leavers, for provisioning and incremental sync.
//   - [github.com/hrisconnect/hrisconnect/mapping] is the declarative field-mapping engine
//     that turns a provider's raw record into a [unified.User] (or any record of your own),
//     with transforms, per-tenant overrides and a preflight check that names what is
//     missing; each provider package holds its own catalog and default spec (and
//     lattice.FromPersonioSpec maps Personio records onto Lattice's fields).
//   - [github.com/hrisconnect/hrisconnect/personio] and
//     [github.com/hrisconnect/hrisconnect/lattice] are typed API clients, each with a
//     Directory adapter, and each with an in-process fake server (personiotest, latticetest)
//     to test against without credentials or network.
//
// A typical program builds a provider client, asks it for a Directory and ranges over the
// users:
//
//	client, err := personio.New(personio.Config{ClientID: id, ClientSecret: secret})
//	if err != nil { ... }
//	for u, err := range unified.Users(ctx, client.Directory(), nil) {
//		if err != nil { ... }
//		fmt.Println(u.DisplayName, u.Email, u.Status)
//	}
//
// Every client is safe for concurrent use, takes a context on every call, retries idempotent
// requests on 429/502/503/504 with jittered backoff, paces itself with a client-side rate
// limiter, caps response sizes, and never prints credentials.
package hrisconnect

// Version is the module version reported in the User-Agent header of every request.
const Version = "0.1.0"
