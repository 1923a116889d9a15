// Package personio is a typed client for the Personio HR API (v1 and v2) and its adapter to
// the provider-neutral [unified.Directory].
//
// # Client
//
// [New] builds a [Client] from a [Config] holding the API credentials (client id and secret,
// created under Settings → Integrations → API credentials). The client authenticates on its
// own: it fetches a v1 token (POST /v1/auth) or a v2 OAuth2 token (POST /v2/auth/token) when
// first needed, shares it between concurrent callers, renews it shortly before it expires and
// once when the API answers 401, and adopts a v1 token that Personio rotates in the
// Authorization response header. Every request goes through one HTTP stack with retries
// (429, 502, 503, 504, connection errors), a client-side rate limiter (by default 5 requests/s
// with bursts of 14, within Personio's documented 300/min with bursts of 15 for the
// employees endpoint), size caps and
// secret redaction. A Client is safe for concurrent use.
//
// The typed API mirrors the endpoints:
//
//   - v1: [Client.ListEmployees], [Client.GetEmployee], [Client.Attributes]. An [Employee]
//     has the standard attributes as Go fields and every attribute, custom ones
//     (dynamic_<n>) included, in [Employee.Attributes] with its label, type and raw value.
//   - v2: [Client.ListPersons], [Client.GetPerson], [Client.ListEmployments],
//     [Client.ListLegalEntities], [Client.GetLegalEntity], [Client.ListOrgUnits],
//     [Client.GetOrgUnit].
//
// Personio sends numbers as strings in places (ids, offsets, weekly hours); the decoders
// accept both everywhere. A relation that is not set may arrive as null, as [] or not at all;
// all three decode as "none".
//
// # Dates
//
// Personio v1 renders a calendar day as the instant of its midnight in the company's time
// zone: "2014-11-08T23:00:00.000Z" is 9 November in Berlin. Date attributes are therefore
// converted to [Config.Location] (default Europe/Berlin) before the day is taken
// ([unified.DateIn]); plain "YYYY-MM-DD" days (v2 employments) are taken as written;
// timestamps such as created_at stay [time.Time]. The package embeds the time zone database,
// so Europe/Berlin loads on machines without one.
//
// # Directory
//
// [Client.Directory] returns a [*Directory], the [unified.Directory] over Personio. It reads
// v1 by default (one request per 100 people, department, team and office names inline) and
// v2 with [WithV2] (persons, their latest employment, names resolved through org units and
// legal entities). Records become [unified.User] values through a [mapping.Mapper]: by
// default [DefaultSpec] compiled against the tenant's attribute catalog;
// [WithSpec] and [WithMapper] replace it (for example to take the job title from a custom
// attribute). Filters are pushed down where the API can apply them and always checked with
// [unified.Filter.Match], so one Filter means the same on every provider.
//
// A standard attribute is found by its universal id as well as by its key: Personio's own
// "get employee" example sends the birthday as "dynamic_180883" with universal_id
// "date_of_birth", and both [Employee.DateOfBirth] and the Directory's birth date read it.
//
// When the credentials cannot read the attribute catalog (GET
// /v1/company/employees/attributes answers 403), custom attributes are not dropped: the
// Directory reads v1 records whole and learns the attributes from the records themselves,
// and keeps each custom attribute in unified.User.Custom by its key (its id in v2) with the
// label the record carries. [Directory.Degraded] reports this with an error matching
// [ErrCatalogUnreadable]; with [WithStrictMapping] the listing fails with that error
// instead.
//
// # Offset pagination under change
//
// v1 pages by record offset, and offset pagination over a listing that changes while it is
// read shifts records across page boundaries: a person removed before the current offset
// moves everyone after them one place forward, so the first person of the next page would
// be skipped; a person added before the offset moves everyone back, so the last person of
// the previous page comes again. Personio reports the size of the listing on every page
// (metadata.total_elements), and the Directory's cursors carry the offset, the total seen
// on the first and on the latest page, the number of distinct people read and the ids of
// the previous page. With that, every page is checked in offset order:
//
//   - Records whose id was on the previous page (or earlier on the same page) are
//     dropped. That heals additions before the offset, and Personio's own duplicate
//     across a page boundary.
//   - When the total dropped by k since the previous page, k people were removed: the page
//     is discarded and read again from k records earlier, and what turns out to be on the
//     previous page is dropped, so no one who moved forward is skipped. This needs the
//     previous page's ids, so k may be at most one page (100 people); a larger drop fails
//     with an error matching [unified.ErrInconsistentListing].
//   - A page longer than asked for is cut at the page size; the rest comes again with the
//     next page.
//   - At the end, if fewer distinct people were read than the final total, someone may have
//     been skipped (typically a person added before the offset during the listing), and
//     the listing fails with [unified.ErrInconsistentListing] rather than return an
//     incomplete directory. Start it again.
//
// Limits: a removal and an addition between the same two pages leave the total unchanged
// and cannot be told from no change; a person removed after being read is still returned;
// a person added behind the offset is reported, not recovered. These are inherent to
// offset pagination: a sync that must be exact under concurrent edits should repeat the
// listing until two runs agree, or list with an UpdatedSince filter afterwards. v2 pages
// by opaque cursor and is not affected; its cursors remember the links already followed and
// the ids of the previous pages, so that a link that loops or points backwards fails with
// [unified.ErrCursorLoop] instead of repeating people.
//
// The Directory also implements [unified.Streamer]: [unified.Users] then reads the v1
// offset pages after the first in parallel (at most [WithConcurrency] requests at once,
// inside the client's rate limit) and requests the next v2 persons page while the current
// one is completed, yielding the same users in the same order as paging with ListUsers.
// Under Personio's documented rate limit a listing is rate-bound, and both ways take the
// same time; the parallel requests pay where a contract lifts the limit. See
// docs/performance.md for the floor a sync cannot beat and what the benchmarks measure.
package personio
