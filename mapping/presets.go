package mapping

// src is shorthand for a single-source field.
func src(target, source string, transforms ...Transform) Field {
	return Field{Target: target, Sources: []string{source}, Transforms: transforms}
}

func required(f Field) Field {
	f.Required = true
	return f
}

// PersonioToUnified returns the default mapping of a Personio employee (v1 attribute keys,
// values typed by the adapter: relations as KindRef, dates as KindDate in the company's
// time zone, timestamps as KindTime, numbers as KindNumber) to a unified.User:
//
//	id               ← id (required)
//	employee_number  ← "Personalnummer" (by label: a custom attribute in most tenants)
//	email            ← email, trimmed
//	first_name       ← first_name, last_name ← last_name, preferred_name ← preferred_name
//	display_name     ← preferred_name, else first_name + " " + last_name
//	title            ← position
//	gender           ← gender, lower-cased ("UNSPECIFIED" of v2 means none)
//	status           ← status (required): onboarding, active, leave, inactive, in v1's
//	                   lower case or v2's upper case
//	employment_type  ← employment_type: internal, external
//	department, team, office ← the same relations; legal_entity ← subcompany
//	manager          ← supervisor (a reference with id, name and email)
//	start_date       ← hire_date; termination_date, last_working_day ← the same
//	birth_date       ← date_of_birth
//	created_at       ← created_at; updated_at ← last_modified_at
//	custom.*         ← every available dynamic_* attribute, with its label
//
// Only id and status are required: Personio has employees without email, but a missing
// status would make every status filter drop users silently, so it fails loudly instead.
// Compile it against PersonioCatalog().Merge(tenant catalog). Each call returns a new Spec.
func PersonioToUnified() *Spec {
	return &Spec{
		Version: SpecVersion,
		Name:    "Personio API v1 employee to unified.User",
		Output:  OutputUser,
		Fields: []Field{
			required(src("id", "id", Text())),
			src("employee_number", "Personalnummer", Text(), Trim()),
			src("email", "email", Trim()),
			src("first_name", "first_name", Trim()),
			src("last_name", "last_name", Trim()),
			src("preferred_name", "preferred_name", Trim()),
			{
				Target:     "display_name",
				Sources:    []string{"preferred_name"},
				Transforms: []Transform{Trim()},
				Fallback:   []Alternative{{Sources: []string{"first_name", "last_name"}, Transforms: []Transform{Join(" ")}}},
			},
			src("title", "position", Trim()),
			src("gender", "gender", Lower(), Trim(), EnumKeep(map[string]string{"unspecified": ""})),
			required(src("status", "status", Enum(map[string]string{
				"onboarding": "onboarding", "active": "active", "leave": "leave", "inactive": "inactive",
				"unspecified": "",
			}))),
			src("employment_type", "employment_type", Enum(map[string]string{
				"internal": "internal", "external": "external", "unspecified": "",
			})),
			src("department", "department"),
			src("team", "team"),
			src("office", "office"),
			src("legal_entity", "subcompany"),
			src("manager", "supervisor"),
			src("start_date", "hire_date"),
			src("termination_date", "termination_date"),
			src("last_working_day", "last_working_day"),
			src("birth_date", "date_of_birth"),
			src("created_at", "created_at"),
			src("updated_at", "last_modified_at"),
			src("custom.*", "dynamic_*"),
		},
	}
}

// LatticeToUnified returns the default mapping of a Lattice user (camelCase keys;
// manager and department as KindRef; createdAt and updatedAt as KindTime; startDate and
// birthDate as KindDate or "YYYY-MM-DD" text) to a unified.User:
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
// Override first_name and last_name with [Spec.With] when a better source exists (a
// custom attribute, or the HR system Lattice is fed from). Lattice has no employment type;
// it stays unknown. Each call returns a new Spec.
func LatticeToUnified() *Spec {
	return &Spec{
		Version: SpecVersion,
		Name:    "Lattice Talent API v1 user to unified.User",
		Output:  OutputUser,
		Fields: []Field{
			required(src("id", "id", Text())),
			src("external_id", "externalUserId", Text(), Trim()),
			src("email", "email", Trim()),
			{Target: "display_name", Sources: []string{"name", "preferredName"}, Transforms: []Transform{Trim()}},
			src("preferred_name", "preferredName", Trim()),
			{
				Target: "first_name", Sources: []string{"name"}, Transforms: []Transform{Split("", 0, false)},
				Note: "lossy: Lattice has one name string; the first word",
			},
			{
				Target: "last_name", Sources: []string{"name"}, Transforms: []Transform{Split("", 1, true)},
				Note: "lossy: Lattice has one name string; everything after the first word",
			},
			src("title", "title", Trim()),
			src("gender", "gender", Lower(), Trim(), EnumKeep(map[string]string{"notset": ""})),
			required(src("status", "status", Enum(map[string]string{
				"ACTIVE": "active", "INVITED": "invited", "CREATED": "onboarding", "DEACTIVATED": "inactive",
			}))),
			src("manager", "manager"),
			src("department", "department"),
			src("start_date", "startDate"),
			src("birth_date", "birthDate"),
			src("created_at", "createdAt"),
			src("updated_at", "updatedAt"),
			src("custom.*", "*"),
		},
	}
}

// PersonioToLattice returns the mapping of Personio's Lattice integration, as Personio's
// help centre documents it ("What Data Will be Transferred?"), to a free-form record keyed
// by Lattice's field names (output "record"; use [Mapper.Apply]):
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
// Employment type is read but never stored: it is FilterOnly, so [Mapper.Apply] puts it in
// Output.Filters for the import's Internal / External / both selection, and it is absent
// from the record. Lattice's rule "Primary Job Title (not for contractors)" and "Manager
// (not for contractors)" is a When condition on title and manager: for a record whose
// employment_type is "external" the two keys are left out of the output (not nulled).
//
// The six attributes Personio's article lists as required to create a Lattice user
// (Employee ID, Email, First name, Last name, Status, Employment type) are the sources of
// the required fields, so [Check] reports each of them as required when the credentials
// cannot read it. Each call returns a new Spec.
func PersonioToLattice() *Spec {
	notForContractors := &Condition{Source: "employment_type", NotIn: []string{"external"}}
	return &Spec{
		Version: SpecVersion,
		Name:    "Personio API v1 employee to Lattice import record (Personio's Lattice integration)",
		Output:  OutputRecord,
		Fields: []Field{
			required(src("externalUserId", "id", Text(), Trim())),
			required(Field{Target: "name", Sources: []string{"first_name", "last_name"}, Transforms: []Transform{Join(" "), Trim()}}),
			required(src("status", "status", Enum(map[string]string{
				"active": "ACTIVE", "leave": "ACTIVE", "onboarding": "CREATED", "inactive": "DEACTIVATED",
			}))),
			src("gender", "gender", Enum(map[string]string{
				"male": "Male", "female": "Female", "diverse": "NonBinary", "unspecified": "NotSet",
			})),
			{Target: "title", Sources: []string{"position"}, Transforms: []Transform{Trim()}, When: notForContractors,
				Note: "Primary Job Title: not for contractors"},
			{Target: "manager", Sources: []string{"supervisor"}, Transforms: []Transform{Pick("email"), Email()}, When: notForContractors,
				Note: "Lattice resolves managers by email; not for contractors"},
			src("startDate", "hire_date", Date(""), Text()),
			src("department", "department", Pick("name")),
			required(src("email", "email", Email())),
			{
				Target: "employmentType", Sources: []string{"employment_type"},
				Transforms: []Transform{Enum(map[string]string{"internal": "internal", "external": "external"})},
				Required:   true, FilterOnly: true,
				Note: "not stored in Lattice, only used for filtering",
			},
			{
				Target: "preferredName", Sources: []string{"preferred_name"}, Transforms: []Transform{Split("", 0, false)},
				Note: "lossy: Personio keeps the full preferred name, Lattice the preferred first name; the first word",
			},
			{Target: "birthDate", Sources: []string{"date_of_birth"}, Transforms: []Transform{Date(""), Text()},
				Note: "not public to employees in Lattice"},
		},
	}
}
