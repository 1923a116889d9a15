package personio

import "github.com/hrisconnect/hrisconnect/mapping"

// attr builds a standard v1 attribute whose universal_id equals its key.
func attr(key, typ, en, de string, other ...string) mapping.Attribute {
	return mapping.Attribute{Key: key, UniversalID: key, LabelEN: en, LabelDE: de, Labels: other, Type: typ}
}

// Catalog returns the known Personio v1 employee attributes with their English and German
// labels, all with Available false. A [Directory] merges the attribute list of GET
// /v1/company/employees/attributes over it (mapping.Catalog.Merge), which marks what the
// credentials can read and adds the tenant's custom attributes; [Directory.Catalog]
// returns the result.
//
// It holds the attributes of the v1 employee object (id, names, email, gender, status,
// position, supervisor, employment type, dates, department, office, team, subcompany, cost
// centers, working hours, salary, holiday calendar, work schedule, absence entitlement,
// vacation balance, profile picture, date of birth) and the rows of Personio's credential
// form that integrations ask admins to tick: "Personalnummer" (personal number),
// "DATEV Personalnummer" and "Occupation type". Those three are custom attributes in most
// tenants, so their keys here ("personal_number", "datev_personal_number",
// "occupation_type") are placeholders: merging the tenant's list replaces them by the
// tenant's dynamic key, matched by label. Refer to them by label in specs.
//
// mapping.Check words its to-do lines for Personio's admins ("enable it under Settings →
// Integrations → API credentials"). Each call returns a new catalog.
func Catalog() *mapping.Catalog {
	c := mapping.NewCatalog(ProviderName, []mapping.Attribute{
		attr("id", "integer", "Employee ID", "Employee ID", "ID"),
		attr("first_name", "standard", "First name", "Vorname", "Firstname", "First Name (legal)"),
		attr("last_name", "standard", "Last name", "Nachname", "Lastname", "Last Name (legal)"),
		attr("preferred_name", "standard", "Preferred name", "", "Name (preferred)"),
		attr("email", "standard", "Email", "E-Mail"),
		attr("gender", "standard", "Gender", "Geschlecht"),
		attr("status", "standard", "Status", "Status"),
		attr("position", "standard", "Position", "Position"),
		attr("supervisor", "standard", "Supervisor", "Vorgesetzter"),
		attr("employment_type", "standard", "Employment type", "Anstellungsart"),
		attr("weekly_working_hours", "standard", "Weekly hours", "Arbeitszeiten"),
		attr("hire_date", "date", "Hire date", "Anstelldatum", "Eintrittsdatum"),
		attr("contract_end_date", "date", "Contract ends", ""),
		attr("termination_date", "date", "Termination date", "Austrittsdatum"),
		attr("termination_type", "standard", "Termination type", ""),
		attr("termination_reason", "standard", "Termination reason", ""),
		attr("probation_period_end", "date", "Probation period end", ""),
		attr("last_working_day", "date", "Last day of work", "Letzter Arbeitstag"),
		attr("created_at", "date", "Created at", "Erstellt am"),
		attr("last_modified_at", "date", "Last modified", "Zuletzt geändert"),
		attr("subcompany", "standard", "Subcompany", "Gesellschaft"),
		attr("office", "standard", "Office", "Standort"),
		attr("department", "standard", "Department", "Abteilung"),
		attr("team", "standard", "Team", "Team"),
		attr("cost_centers", "standard", "Cost center", "Kostenstelle"),
		attr("holiday_calendar", "standard", "Public holidays", ""),
		attr("work_schedule", "standard", "Work schedule", ""),
		attr("absence_entitlement", "standard", "Absence entitlement", ""),
		attr("fix_salary", "decimal", "Fix salary", ""),
		attr("fix_salary_interval", "standard", "Salary interval", ""),
		attr("hourly_salary", "decimal", "Hourly salary", ""),
		attr("vacation_day_balance", "decimal", "Vacation day balance", ""),
		attr("profile_picture", "standard", "Profile Picture", ""),
		attr("date_of_birth", "date", "Date of birth", "Geburtstag", "Birthday"),
		{Key: "personal_number", LabelEN: "Personal Number", LabelDE: "Personalnummer", Type: "standard"},
		{Key: "datev_personal_number", LabelEN: "DATEV personal number", LabelDE: "DATEV Personalnummer", Type: "standard"},
		{Key: "occupation_type", LabelEN: "Occupation type", LabelDE: "Occupation type", Type: "standard"},
	})
	c.Advice = mapping.Advice{
		Title:       "Personio",
		Unavailable: "is not enabled for these API credentials: enable it under Settings → Integrations → API credentials",
		Unlisted:    "is not in the attribute list of these API credentials: check the key, and enable it under Settings → Integrations → API credentials",
	}
	return c
}

// field is shorthand for a single-source field.
func field(target, source string, transforms ...mapping.Transform) mapping.Field {
	return mapping.Field{Target: target, Sources: []string{source}, Transforms: transforms}
}

func required(f mapping.Field) mapping.Field {
	f.Required = true
	return f
}

// DefaultSpec returns the mapping a [Directory] uses unless told otherwise: a Personio
// employee (v1 attribute keys, values typed by the adapter: relations as KindRef, dates as
// KindDate in the company's time zone, timestamps as KindTime, numbers as KindNumber) to a
// unified.User:
//
//	id               ← id (required)
//	employee_number  ← "Personalnummer" (by label: a custom attribute in most tenants)
//	email            ← email, trimmed
//	first_name       ← first_name, last_name ← last_name, preferred_name ← preferred_name
//	display_name     ← first_name + " " + last_name, else preferred_name (see below)
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
// A row's display name follows the rule of the manager references to it: the name of a
// supervisor is "First Last" (the supervisor object of v1 carries no preferred name, and
// v2 names supervisors the same way), so display_name is too, and a manager column shows
// the name of the manager's own row. The name a person goes by is in preferred_name
// (Personio's preferred_name is the full name, "Alex Bergmann"); take display_name from
// it with WithSpec(DefaultSpec().With(...)) if that matters more than the match.
//
// Only id and status are required: Personio has employees without email, but a missing
// status would make every status filter drop users silently, so it fails loudly instead.
// Layer changes over it with [mapping.Spec.With] and pass the result to [WithSpec]; compile
// it yourself against Catalog().Merge(tenant catalog). Each call returns a new Spec.
func DefaultSpec() *mapping.Spec {
	return &mapping.Spec{
		Version: mapping.SpecVersion,
		Name:    "Personio API v1 employee to unified.User",
		Output:  mapping.OutputUser,
		Fields: []mapping.Field{
			required(field("id", "id", mapping.Text())),
			field("employee_number", "Personalnummer", mapping.Text(), mapping.Trim()),
			field("email", "email", mapping.Trim()),
			field("first_name", "first_name", mapping.Trim()),
			field("last_name", "last_name", mapping.Trim()),
			field("preferred_name", "preferred_name", mapping.Trim()),
			{
				Target:     "display_name",
				Sources:    []string{"first_name", "last_name"},
				Transforms: []mapping.Transform{mapping.Join(" "), mapping.Trim()},
				Fallback:   []mapping.Alternative{{Sources: []string{"preferred_name"}, Transforms: []mapping.Transform{mapping.Trim()}}},
				Note:       "the rule of the supervisor's name in manager references: Personio's supervisor object has no preferred name",
			},
			field("title", "position", mapping.Trim()),
			field("gender", "gender", mapping.Lower(), mapping.Trim(), mapping.EnumKeep(map[string]string{"unspecified": ""})),
			required(field("status", "status", mapping.Enum(map[string]string{
				"onboarding": "onboarding", "active": "active", "leave": "leave", "inactive": "inactive",
				"unspecified": "",
			}))),
			field("employment_type", "employment_type", mapping.Enum(map[string]string{
				"internal": "internal", "external": "external", "unspecified": "",
			})),
			field("department", "department"),
			field("team", "team"),
			field("office", "office"),
			field("legal_entity", "subcompany"),
			field("manager", "supervisor"),
			field("start_date", "hire_date"),
			field("termination_date", "termination_date"),
			field("last_working_day", "last_working_day"),
			field("birth_date", "date_of_birth"),
			field("created_at", "created_at"),
			field("updated_at", "last_modified_at"),
			field("custom.*", "dynamic_*"),
		},
	}
}
