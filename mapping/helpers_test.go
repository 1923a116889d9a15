package mapping

import (
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The fixtures below are an employee of "acme", an HR system with German and English
// attribute labels, typed the way an adapter hands values over: relations as KindRef,
// date attributes as KindDate in the company's time zone, timestamps as KindTime, numbers
// as KindNumber. The package names no real provider; each provider package tests its own
// catalog and presets.

func ref(id, name string) Value { return RefValue(unified.Ref{ID: id, Name: name}) }

func date(y int, m time.Month, d int) Value { return DateValue(unified.NewDate(y, m, d)) }

// employeeValues is a 35-attribute employee: 30 standard attributes and 5 custom ones.
func employeeValues() map[string]Value {
	return map[string]Value{
		"id":             NumberValue(1),
		"first_name":     StringValue("Alexander"),
		"last_name":      StringValue("Bergmann"),
		"preferred_name": StringValue("Alexander Bergmann"),
		"email":          StringValue("alexander.bergmann@demo.email"),
		"gender":         StringValue("male"),
		"status":         StringValue("active"),
		"position":       StringValue("CTO"),
		"supervisor": RefValue(unified.Ref{ID: "2", Name: "Bianca Schmidt",
			Email: "Bianca.Schmidt@demo.email"}),
		// An internal employee, so that importSpec's "not for contractors" rows apply.
		// Tests set "external" themselves.
		"employment_type":      StringValue("internal"),
		"weekly_working_hours": StringValue("40"),
		// "2014-11-08T23:00:00.000Z" is 9 November in Berlin.
		"hire_date":            date(2014, time.November, 9),
		"contract_end_date":    {},
		"termination_date":     {},
		"created_at":           TimeValue(time.Date(2017, 5, 23, 9, 49, 3, 0, time.FixedZone("", 2*3600))),
		"last_modified_at":     TimeValue(time.Date(2020, 11, 18, 17, 33, 55, 0, time.FixedZone("", 3600))),
		"subcompany":           ref("7033", "CS Demo GmbH"),
		"office":               ref("131014", "Munich"),
		"department":           ref("281521", "Customer Support"),
		"team":                 ref("59026", "T_X"),
		"cost_centers":         ListValue([]string{"Cost center 1"}),
		"holiday_calendar":     ref("2", "Deutschland (Bayern) Feiertage"),
		"absence_entitlement":  ListValue([]string{"Paid vacation"}),
		"work_schedule":        ref("97188", "Full-time, 40 hours"),
		"fix_salary":           NumberValue(3000),
		"hourly_salary":        NumberValue(0),
		"vacation_day_balance": NumberValue(2),
		"last_working_day":     {},
		"profile_picture":      StringValue("https://hr.example.com/employees/1/profile-picture"),
		"date_of_birth":        date(1985, time.March, 14),
		"dynamic_24407":        StringValue("Dr"),
		"dynamic_21827":        StringValue("DE98 8989 9898 0000 8989 00"),
		"dynamic_33400":        date(2021, time.January, 1),
		"dynamic_40001":        StringValue("P-0042"),
		"dynamic_40002":        BoolValue(true),
	}
}

func employeeRecord() MapRecord {
	return MapRecord{RecordID: "1", Values: employeeValues()}
}

// apiCatalog is what acme's attribute list API returns for credentials with German
// labels that may read every attribute of the fixture.
func apiCatalog() *Catalog {
	std := func(key, label, typ string) Attribute {
		return Attribute{Key: key, UniversalID: key, Labels: []string{label}, Type: typ, Available: true}
	}
	custom := func(key, uid, label, typ string) Attribute {
		return Attribute{Key: key, UniversalID: uid, Labels: []string{label}, Type: typ, Custom: true, Available: true}
	}
	return NewCatalog("acme", []Attribute{
		std("id", "ID", "integer"),
		std("first_name", "Vorname", "standard"),
		std("last_name", "Nachname", "standard"),
		std("preferred_name", "Name (bevorzugt)", "standard"),
		std("email", "E-Mail", "standard"),
		std("gender", "Geschlecht", "standard"),
		std("status", "Status", "standard"),
		std("position", "Position", "standard"),
		std("supervisor", "Vorgesetzter", "standard"),
		std("employment_type", "Anstellungsart", "standard"),
		std("weekly_working_hours", "Arbeitszeiten", "standard"),
		std("hire_date", "Eintrittsdatum", "date"),
		std("contract_end_date", "Vertragsende", "date"),
		std("termination_date", "Austrittsdatum", "date"),
		std("created_at", "created_at", "date"),
		std("last_modified_at", "Zuletzt geändert", "date"),
		std("subcompany", "Gesellschaft", "standard"),
		std("office", "Standort", "standard"),
		std("department", "Abteilung", "standard"),
		std("team", "Team", "standard"),
		std("cost_centers", "Kostenstelle", "standard"),
		std("holiday_calendar", "Feiertage", "standard"),
		std("absence_entitlement", "Abwesenheitsanspruch", "standard"),
		std("work_schedule", "Arbeitszeitmodell", "standard"),
		std("fix_salary", "Fixgehalt", "decimal"),
		std("hourly_salary", "Stundenlohn", "decimal"),
		std("vacation_day_balance", "Urlaubssaldo", "decimal"),
		std("last_working_day", "Letzter Arbeitstag", "date"),
		std("profile_picture", "Profilbild", "standard"),
		std("date_of_birth", "Geburtstag", "date"),
		custom("dynamic_24407", "", "Titel", "standard"),
		custom("dynamic_21827", "iban", "IBAN", "standard"),
		custom("dynamic_33400", "", "Jubiläum", "date"),
		custom("dynamic_40001", "", "Personalnummer", "standard"),
		custom("dynamic_40002", "", "Remote", "standard"),
	})
}

func tenantCatalog() *Catalog { return builtinCatalog().Merge(apiCatalog()) }

// acmeAttr builds a standard attribute whose universal id equals its key.
func acmeAttr(key, typ, en, de string, other ...string) Attribute {
	return Attribute{Key: key, UniversalID: key, LabelEN: en, LabelDE: de, Labels: other, Type: typ}
}

// builtinCatalog is acme's built-in catalog: every attribute known, none Available until
// the tenant's list is merged over it. Three rows of the credential form are placeholders
// for custom attributes, found by label when the tenant's list is merged.
func builtinCatalog() *Catalog {
	c := NewCatalog("acme", []Attribute{
		acmeAttr("id", "integer", "Employee ID", "Employee ID", "ID"),
		acmeAttr("first_name", "standard", "First name", "Vorname", "Firstname", "First Name (legal)"),
		acmeAttr("last_name", "standard", "Last name", "Nachname", "Lastname", "Last Name (legal)"),
		acmeAttr("preferred_name", "standard", "Preferred name", "", "Name (preferred)"),
		acmeAttr("email", "standard", "Email", "E-Mail"),
		acmeAttr("gender", "standard", "Gender", "Geschlecht"),
		acmeAttr("status", "standard", "Status", "Status"),
		acmeAttr("position", "standard", "Position", "Position"),
		acmeAttr("supervisor", "standard", "Supervisor", "Vorgesetzter"),
		acmeAttr("employment_type", "standard", "Employment type", "Anstellungsart"),
		acmeAttr("weekly_working_hours", "standard", "Weekly hours", "Arbeitszeiten"),
		acmeAttr("hire_date", "date", "Hire date", "Anstelldatum", "Eintrittsdatum"),
		acmeAttr("contract_end_date", "date", "Contract ends", ""),
		acmeAttr("termination_date", "date", "Termination date", "Austrittsdatum"),
		acmeAttr("termination_type", "standard", "Termination type", ""),
		acmeAttr("termination_reason", "standard", "Termination reason", ""),
		acmeAttr("probation_period_end", "date", "Probation period end", ""),
		acmeAttr("last_working_day", "date", "Last day of work", "Letzter Arbeitstag"),
		acmeAttr("created_at", "date", "Created at", "Erstellt am"),
		acmeAttr("last_modified_at", "date", "Last modified", "Zuletzt geändert"),
		acmeAttr("subcompany", "standard", "Subcompany", "Gesellschaft"),
		acmeAttr("office", "standard", "Office", "Standort"),
		acmeAttr("department", "standard", "Department", "Abteilung"),
		acmeAttr("team", "standard", "Team", "Team"),
		acmeAttr("cost_centers", "standard", "Cost center", "Kostenstelle"),
		acmeAttr("holiday_calendar", "standard", "Public holidays", ""),
		acmeAttr("work_schedule", "standard", "Work schedule", ""),
		acmeAttr("absence_entitlement", "standard", "Absence entitlement", ""),
		acmeAttr("fix_salary", "decimal", "Fix salary", ""),
		acmeAttr("fix_salary_interval", "standard", "Salary interval", ""),
		acmeAttr("hourly_salary", "decimal", "Hourly salary", ""),
		acmeAttr("vacation_day_balance", "decimal", "Vacation day balance", ""),
		acmeAttr("profile_picture", "standard", "Profile Picture", ""),
		acmeAttr("date_of_birth", "date", "Date of birth", "Geburtstag", "Birthday"),
		{Key: "personal_number", LabelEN: "Personal Number", LabelDE: "Personalnummer", Type: "standard"},
		{Key: "datev_personal_number", LabelEN: "DATEV personal number", LabelDE: "DATEV Personalnummer", Type: "standard"},
		{Key: "occupation_type", LabelEN: "Occupation type", LabelDE: "Occupation type", Type: "standard"},
	})
	c.Advice = Advice{
		Title:       "Acme",
		Unavailable: "is not enabled for these API credentials: enable it under Settings → API",
		Unlisted:    "is not in the attribute list of these API credentials: check the key",
	}
	return c
}

func src(target, source string, transforms ...Transform) Field {
	return Field{Target: target, Sources: []string{source}, Transforms: transforms}
}

func required(f Field) Field {
	f.Required = true
	return f
}

// userSpec maps acme's employee to a unified.User: every kind of target, a fallback,
// enums, references, dates, instants and a custom.* wildcard (at fields[22]).
func userSpec() *Spec {
	return &Spec{
		Version: SpecVersion,
		Name:    "acme employee to unified.User",
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

// importSpec maps acme's employee to the import record of another system (output
// "record"): joined names, enums into another vocabulary, a reference's email, dates as
// text, a filter-only field and two fields with a not_in condition.
func importSpec() *Spec {
	notForContractors := &Condition{Source: "employment_type", NotIn: []string{"external"}}
	return &Spec{
		Version: SpecVersion,
		Name:    "acme employee to an import record",
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
				Note: "not for contractors"},
			{Target: "manager", Sources: []string{"supervisor"}, Transforms: []Transform{Pick("email"), Email()}, When: notForContractors,
				Note: "managers by email; not for contractors"},
			src("startDate", "hire_date", Date(""), Text()),
			src("department", "department", Pick("name")),
			required(src("email", "email", Email())),
			{
				Target: "employmentType", Sources: []string{"employment_type"},
				Transforms: []Transform{Enum(map[string]string{"internal": "internal", "external": "external"})},
				Required:   true, FilterOnly: true,
				Note: "only used for filtering",
			},
			{
				Target: "preferredName", Sources: []string{"preferred_name"}, Transforms: []Transform{Split("", 0, false)},
				Note: "the first word",
			},
			{Target: "birthDate", Sources: []string{"date_of_birth"}, Transforms: []Transform{Date(""), Text()}},
		},
	}
}
