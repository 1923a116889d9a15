// Package mapping is the declarative field-mapping engine: it decides which HR attribute
// lands in which field, for the provider adapters (a provider's employee record to a
// [unified.User]) and for products that embed the module (one HR system's records to
// another's import format, or HR data into their own records). An adapter's default and
// a user's override go through the same code. The package names no provider: each
// provider package holds its own catalog and presets, built from the types here.
//
// # Overview
//
//	cat := builtin.Merge(tenantCatalog)         // what exists, what is readable
//	spec := preset.With(mapping.Field{           // a provider's preset with one override
//		Target: "title", Sources: []string{"Titel"}})
//	m, err := mapping.Compile(spec, cat)         // resolve labels, build transforms: once
//	report := mapping.Check(m, cat)              // preflight: what the credentials cannot read
//	err = m.ApplyUser(record, &user)             // per record: fast, concurrent, errors collected
//
// A [Record] is one source record behind a two-method interface (ID, Lookup by stable
// key), holding typed [Value]s: text, numbers, booleans, instants, calendar days,
// references (id, name, email) and lists.
//
// A [Catalog] lists the attributes a provider's records can carry, with English and
// German labels and whether the credentials can read them. Sources in a spec are
// resolved against it by [Compile] — by stable key ("first_name", "dynamic_24407"), by
// universal id, or by the label an HR admin sees ("Vorname", "First name", "Abteilung"),
// ignoring case, spaces, '-', '_', '.' and German spelling variants ("Geschaeftsfuehrer"
// finds "Geschäftsführer"). A name that matches nothing fails with a suggestion:
//
//	mapping: fields[3].sources[0]: unknown attribute "Abteilungg" in acme catalog; did you mean "Abteilung" (department)?
//
// # Specs
//
// A [Spec] is a list of [Field]s. It is built in Go or loaded from JSON with [LoadSpec]
// (strictly: unknown keys, duplicate keys and bad transform arguments are errors naming
// their JSON path) and written back with [Spec.MarshalJSON]. A field object has these
// keys:
//
//	target       required; a unified.User path (below) or, with "output": "record", any key
//	source       one attribute key or label, or
//	sources      several: the first non-empty one, unless a combining transform uses all
//	transforms   a chain: "lower", or {"name": "join", "args": {"sep": " "}}
//	fallback     [{"sources": [...], "transforms": [...]}, ...] tried while the value is empty
//	default      the value when still empty: "x", 3, true, ["a"], {"date": "2020-01-01"},
//	             {"time": "2020-01-01T00:00:00Z"}, {"ref": {"id": "1", "name": "CEO"}}
//	required     true: an empty result fails the record's field
//	filter_only  true: read and checked, never stored (Apply puts it in Output.Filters)
//	when         {"source": "employment_type", "not_in": ["external"]} (or "in"):
//	             the field applies only to matching records; others are left alone
//	note         free text
//
// The document has "version" (1), an optional "name", "output" ("user", the default, or
// "record") and "fields". [Spec.With] replaces or adds fields by target and
// [Spec.Without] drops some; both layer over the receiver without copying or changing
// it, so a preset can be overridden cheaply.
//
// # Targets
//
// With output "user", targets are unified.User paths:
//
//	id provider employee_number external_id email first_name last_name preferred_name
//	display_name title gender             text; any value is stored as its text
//	status employment_type               parsed by unified.ParseStatus / ParseEmploymentType
//	department team office legal_entity  a reference: KindRef sets the whole Ref, a number
//	manager                              its ID, other text its Name
//	<ref>.id <ref>.name manager.email    one part; a KindRef source gives the same part
//	start_date termination_date          a calendar day: KindDate, KindTime (the day in the
//	last_working_day birth_date          instant's own location), or text by the date rules
//	created_at updated_at                an instant: KindTime, RFC 3339 text, Unix seconds,
//	                                     or KindDate (midnight UTC)
//	custom.<key>                         User.Custom[key], with the source attribute's label
//	custom.*                             {"target": "custom.*", "source": "dynamic_*"}
//	                                     expands at Compile time to one custom.<key> field
//	                                     per available custom attribute whose key matches
//	                                     ('*' matches any run); explicit custom.<key>
//	                                     fields win over it
//
// Empty results leave the target as it was. A reference value becomes text in Custom
// (unified.Value has no reference kind).
//
// # Transforms
//
// Transforms run in order. The first one of a chain receives every source when it
// combines them (join, ref, first, or a transform of your own); otherwise it receives the
// first non-empty source. Text transforms accept strings, numbers and booleans (as text),
// and apply to each element of a list; they fail on instants, dates and references.
// Empty values pass through every built-in transform except default.
//
//	join     args: sep (string, default " ")
//	         the text of the non-empty sources (a list: its elements) joined by sep
//	split    args: sep (string; default: runs of white space), index (integer, default 0;
//	         negative counts from the end), rest (boolean)
//	         one part, or with rest everything from that part on: "Ada King Lovelace" is
//	         "Ada" at index 0 and "King Lovelace" at index 1 with rest; a missing part is
//	         empty
//	lower, upper, trim                   no args
//	text     no args; any value as text ([Value.String]): a number id 1 becomes "1"
//	first    no args; the first non-empty source
//	email    no args; trim, lower-case, and check with net/mail; display-name forms such
//	         as "Ada <ada@example.com>" fail
//	date     args: layouts (list of Go time layouts; replaces the defaults), tz (IANA zone)
//	         text, an instant or a date to a calendar day. Default layouts: 2006-01-02,
//	         RFC 3339 (with or without fraction), 2006-01-02T15:04:05, "2006-01-02 15:04:05"
//	         (with or without zone) and 2.1.2006 (German day.month.year). Slash forms are
//	         not among them: 01/02/2006 is 2 January in the US and 1 February elsewhere;
//	         name the layout you mean. Without tz the day is the one written ("1990-01-01
//	         T00:00:00+01:00" is 1 January); with tz, instants (and text with a zone) are
//	         converted to that zone first ("2014-11-08T23:00:00Z" with Europe/Berlin is
//	         9 November).
//	enum     args: values (object of string → string; keys compared case-insensitively
//	         after trimming; "" maps to an empty value), fallback (string) or
//	         keep_unknown (boolean)
//	         unknown text gives the fallback, passes unchanged with keep_unknown, or fails
//	default  args: value (a default literal as above); replaces an empty value here
//	ref      args: parts (list of "id", "name", "email"; default ["id", "name"])
//	         a reference whose parts come from the sources in order
//	pick     args: part ("id", "name" or "email"); one part of a reference as text
//
// Transforms of your own are registered per Compile call with [WithTransform] or
// [WithTransformFactory]; there is no global registry.
//
// # Presets
//
// A preset is a function of a provider package that returns a fresh Spec: the adapter's
// default mapping to a unified.User, or a mapping between two systems. Override a
// preset's fields with [Spec.With] rather than editing a copy. A provider for a new HR
// system needs nothing from this package beyond its exported types: a catalog built with
// [NewCatalog], a preset Spec, and a [Record] over its decoded API records.
//
// # Preflight
//
// [Check] compares a mapper with what the credentials can read and returns a [Report]:
// each missing attribute with its key and both labels, the fields it leaves empty, and
// whether a required field needs it, worded as an HR admin's to-do in the words of the
// catalog's [Advice]:
//
//	Acme attribute "department" (Abteilung / Department) is not enabled for these API
//	credentials: enable it under Settings → API; without it "department" stays empty
//
// # Errors
//
// Spec mistakes are [*SpecError] values with a JSON path, matching [ErrInvalidSpec] (and
// [ErrUnknownAttribute] or [ErrAmbiguousAttribute] for sources). Per record, ApplyUser and
// Apply gather every failing field into one [*RecordError] (record id, field, source,
// clipped value, cause matching [ErrRequiredMissing] or [ErrTransform]) and still set the
// fields that worked. The caller decides whether that is fatal; [Collector] implements
// the strict and lenient policies.
//
// # Performance and concurrency
//
// Compile does all the work that does not depend on a record: resolution, wildcard
// expansion, argument checks, time zone loading, target parsing into small integers.
// A [Mapper] is immutable and safe for concurrent use. ApplyUser runs each field as a
// lookup, a switch over the compiled steps on one Value on the stack, and a switch on
// the target: no reflection, no lookups by target name, and allocations only for what
// the User keeps (one block for all its *Ref and *Date, the Custom map, text made from
// numbers, joined strings). See BenchmarkApply for measured figures.
package mapping
