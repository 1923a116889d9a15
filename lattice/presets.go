package lattice

import "github.com/hrisconnect/hrisconnect/mapping"

// field is shorthand for a single-source field.
func field(target, source string, transforms ...mapping.Transform) mapping.Field {
	return mapping.Field{Target: target, Sources: []string{source}, Transforms: transforms}
}

func required(f mapping.Field) mapping.Field {
	f.Required = true
	return f
}

// DefaultSpec returns the mapping a [Directory] uses unless told otherwise: a Lattice user
// (camelCase keys; manager and department as KindRef; createdAt and updatedAt as
// KindTime; startDate and birthDate as KindDate or "YYYY-MM-DD" text) to a unified.User:
//
//	id            ← id (required);   external_id ← externalUserId
//	email         ← email, trimmed;  title ← title
//	display_name  ← name (built by Lattice from the preferred and last name), else
//	                preferredName;  preferred_name ← preferredName (a first name)
//	first_name    ← the first word of name            (lossy: see below)
//	last_name     ← the rest of name after that word  (lossy)
//	gender        ← gender, lower-cased ("NotSet" means none)
//	status        ← status (required): ACTIVE → active, INVITED → invited,
//	                CREATED → onboarding, DEACTIVATED → inactive
//	manager, department ← the same references
//	start_date    ← startDate; birth_date ← birthDate
//	created_at    ← createdAt; updated_at ← updatedAt
//	custom.*      ← every available custom attribute the adapter adds to the catalog
//
// Lattice keeps one name string, so first and last name are a guess: "Ada King Lovelace"
// gives "Ada" and "King Lovelace", "María José García" gives "María" and "José García".
// Override first_name and last_name with mapping.Spec.With when a better source exists (a
// custom attribute, or the HR system Lattice is fed from), and pass the result to
// [WithSpec]. Lattice has no employment type; it stays unknown. Each call returns a new
// Spec.
func DefaultSpec() *mapping.Spec {
	return &mapping.Spec{
		Version: mapping.SpecVersion,
		Name:    "Lattice Talent API v1 user to unified.User",
		Output:  mapping.OutputUser,
		Fields: []mapping.Field{
			required(field("id", "id", mapping.Text())),
			field("external_id", "externalUserId", mapping.Text(), mapping.Trim()),
			field("email", "email", mapping.Trim()),
			{Target: "display_name", Sources: []string{"name", "preferredName"}, Transforms: []mapping.Transform{mapping.Trim()}},
			field("preferred_name", "preferredName", mapping.Trim()),
			{
				Target: "first_name", Sources: []string{"name"}, Transforms: []mapping.Transform{mapping.Split("", 0, false)},
				Note: "lossy: Lattice has one name string; the first word",
			},
			{
				Target: "last_name", Sources: []string{"name"}, Transforms: []mapping.Transform{mapping.Split("", 1, true)},
				Note: "lossy: Lattice has one name string; everything after the first word",
			},
			field("title", "title", mapping.Trim()),
			field("gender", "gender", mapping.Lower(), mapping.Trim(), mapping.EnumKeep(map[string]string{"notset": ""})),
			required(field("status", "status", mapping.Enum(map[string]string{
				"ACTIVE": "active", "INVITED": "invited", "CREATED": "onboarding", "DEACTIVATED": "inactive",
			}))),
			field("manager", "manager"),
			field("department", "department"),
			field("start_date", "startDate"),
			field("birth_date", "birthDate"),
			field("created_at", "createdAt"),
			field("updated_at", "updatedAt"),
			field("custom.*", "*"),
		},
	}
}

// FromPersonioSpec returns the mapping of Personio's Lattice integration, as Personio's
// help centre documents it ("What Data Will be Transferred?"): a Personio employee (the
// v1 attribute keys that package personio's catalog and records use) to a free-form
// record keyed by Lattice's field names (output "record"; use mapping.Mapper.Apply).
// Compile it against the Personio tenant's catalog:
//
//	m, err := mapping.Compile(lattice.FromPersonioSpec(), personioDirectory.Catalog(ctx))
//
// It lives here, with the Lattice fields it writes, because Lattice is the system it
// feeds: the values are what Lattice's import expects, and the Personio side is only named
// by attribute keys, so neither provider package imports the other.
//
//	Personio field            Lattice field      here
//	Employee ID               External user ID   externalUserId  ← id, as text (required)
//	First Name + Last Name    Name               name            ← first_name + " " + last_name (required)
//	Status                    Status             status          ← status: active, leave → ACTIVE;
//	                                                               onboarding → CREATED; inactive → DEACTIVATED (required)
//	Gender                    Gender             gender          ← gender: male → Male, female → Female,
//	                                                               diverse → NonBinary, unspecified → NotSet
//	Position                  Title              title           ← position (not for contractors)
//	Supervisor                Manager            manager         ← the supervisor's email (not for contractors)
//	Hire Date                 Start Date         startDate       ← hire_date as "YYYY-MM-DD"
//	Department                Department         department      ← the department's name
//	Email                     Email              email           ← email, normalised (required)
//	Employment type           (filter only)      employmentType  ← employment_type: internal, external (required)
//
// plus the fields of Lattice's own description of the integration: preferredName ← the
// first word of preferred_name (Personio keeps the full name a person goes by, "Alex
// Bergmann", Lattice only the first name, "Alex"), birthDate ← date_of_birth as
// "YYYY-MM-DD" (Lattice does not show it to employees).
//
// Values are what Lattice's import expects: status in Lattice's vocabulary, the manager by
// email (Lattice resolves managers by email), the department by name, dates as
// "YYYY-MM-DD".
//
// Employment type is read but never stored: it is FilterOnly, so mapping.Mapper.Apply
// puts it in Output.Filters for the import's Internal / External / both selection, and it
// is absent from the record. Lattice's rule "Primary Job Title (not for contractors)" and
// "Manager (not for contractors)" is a When condition on title and manager: for a record
// whose employment_type is "external" the two keys are left out of the output (not
// nulled).
//
// The six attributes Personio's article lists as required to create a Lattice user
// (Employee ID, Email, First name, Last name, Status, Employment type) are the sources of
// the required fields, so mapping.Check reports each of them as required when the
// credentials cannot read it. Each call returns a new Spec.
func FromPersonioSpec() *mapping.Spec {
	notForContractors := &mapping.Condition{Source: "employment_type", NotIn: []string{"external"}}
	return &mapping.Spec{
		Version: mapping.SpecVersion,
		Name:    "Personio API v1 employee to Lattice import record (Personio's Lattice integration)",
		Output:  mapping.OutputRecord,
		Fields: []mapping.Field{
			required(field("externalUserId", "id", mapping.Text(), mapping.Trim())),
			required(mapping.Field{Target: "name", Sources: []string{"first_name", "last_name"},
				Transforms: []mapping.Transform{mapping.Join(" "), mapping.Trim()}}),
			required(field("status", "status", mapping.Enum(map[string]string{
				"active": "ACTIVE", "leave": "ACTIVE", "onboarding": "CREATED", "inactive": "DEACTIVATED",
			}))),
			field("gender", "gender", mapping.Enum(map[string]string{
				"male": "Male", "female": "Female", "diverse": "NonBinary", "unspecified": "NotSet",
			})),
			{Target: "title", Sources: []string{"position"}, Transforms: []mapping.Transform{mapping.Trim()}, When: notForContractors,
				Note: "Primary Job Title: not for contractors"},
			{Target: "manager", Sources: []string{"supervisor"}, Transforms: []mapping.Transform{mapping.Pick("email"), mapping.Email()},
				When: notForContractors, Note: "Lattice resolves managers by email; not for contractors"},
			field("startDate", "hire_date", mapping.Date(""), mapping.Text()),
			field("department", "department", mapping.Pick("name")),
			required(field("email", "email", mapping.Email())),
			{
				Target: "employmentType", Sources: []string{"employment_type"},
				Transforms: []mapping.Transform{mapping.Enum(map[string]string{"internal": "internal", "external": "external"})},
				Required:   true, FilterOnly: true,
				Note: "not stored in Lattice, only used for filtering",
			},
			{
				Target: "preferredName", Sources: []string{"preferred_name"}, Transforms: []mapping.Transform{mapping.Split("", 0, false)},
				Note: "lossy: Personio keeps the full preferred name, Lattice the preferred first name; the first word",
			},
			{Target: "birthDate", Sources: []string{"date_of_birth"}, Transforms: []mapping.Transform{mapping.Date(""), mapping.Text()},
				Note: "not public to employees in Lattice"},
		},
	}
}
