// Package fakecompany generates deterministic, realistic companies for tests: the shared
// model that the in-process fake servers (personio/personiotest, lattice/latticetest)
// render, so that the same people exist in every fake. A person's ID is the Personio
// employee id and, in the Lattice rendering, the externalUserId; LatticeID is the Lattice
// user id.
//
// [Generate] builds a company from a seed and a size. The same seed, size and [Options]
// give the same company on every platform and Go release (the package has its own
// pseudo-random generator and never reads the clock), so tests can name people by ID.
// A generated company has:
//
//   - two legal entities, a German GmbH and a British Ltd; people in the London office work
//     for the Ltd, people in the other offices for the GmbH, remote workers for either;
//   - ten departments (Management and nine functions), several teams each, six offices
//     (Munich, Berlin, London, Madrid, Amsterdam, Remote) and one cost centre per
//     department plus a shared one;
//   - nine custom attributes in Personio's style (dynamic_<n> keys, English and German
//     labels, every attribute type: an academic title "Titel", an IBAN with universal id
//     "iban", an anniversary date, a T-shirt size list, "Lieblingsessen", a number of
//     children, remote days per week, skill tags and a job level);
//   - people with varied German, European and international names (with umlauts and
//     accents; emails transliterated to ASCII and de-duplicated), genders that follow the
//     first name, one management tree (CEO, heads of department, team leads, layers of
//     managers in large teams, members) with spans of control of about 3 to 12, job titles
//     that fit the tree, every status (onboarding, active, leave, inactive) with
//     consistent dates, contractors (often with a contract end and no cost centre), and a
//     few people without department, team or office.
//
// The IDs grow with the creation time of the record, as in a real HR system, so the CEO
// is always person 10001; a few numbers are skipped, as if records had been deleted.
//
// A [Company] is plain data: it round-trips through JSON ([Company.WriteJSON], [Load]),
// compares with go-cmp, and can be written by hand for a scenario. [Company.Validate]
// checks its consistency, and the mutations [Company.Hire], [Company.Terminate],
// [Company.Move] and [Company.Remove] change it as HR would between two syncs, keeping it
// valid and stamping UpdatedAt. Errors are [*Error] values that name the person
// concerned and match [ErrInvalid] or [ErrUnknownPerson].
package fakecompany
