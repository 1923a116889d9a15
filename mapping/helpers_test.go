package mapping

import (
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The fixtures below resemble the Personio v1 employee of the API notes (§1.4), typed the
// way a Personio adapter hands values over: relations as KindRef, date attributes as
// KindDate in the company's time zone, timestamps as KindTime, numbers as KindNumber.

func ref(id, name string) Value { return RefValue(unified.Ref{ID: id, Name: name}) }

func date(y int, m time.Month, d int) Value { return DateValue(unified.NewDate(y, m, d)) }

// personioValues is a 35-attribute employee: 30 standard attributes and 5 custom ones.
func personioValues() map[string]Value {
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
		// §1.4 has "external"; the fixture is an internal employee so that the
		// Lattice rows "not for contractors" apply. Tests set "external" themselves.
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
		"profile_picture":      StringValue("https://api.personio.de/v1/company/employees/1/profile-picture"),
		"date_of_birth":        date(1985, time.March, 14),
		"dynamic_24407":        StringValue("Dr"),
		"dynamic_21827":        StringValue("DE98 8989 9898 0000 8989 00"),
		"dynamic_33400":        date(2021, time.January, 1),
		"dynamic_40001":        StringValue("P-0042"),
		"dynamic_40002":        BoolValue(true),
	}
}

func personioRecord() MapRecord {
	return MapRecord{RecordID: "1", Values: personioValues()}
}

// personioAPICatalog is what GET /v1/company/employees/attributes lists for credentials
// with German labels that may read every attribute of the fixture.
func personioAPICatalog() *Catalog {
	std := func(key, label, typ string) Attribute {
		return Attribute{Key: key, UniversalID: key, Labels: []string{label}, Type: typ, Available: true}
	}
	custom := func(key, uid, label, typ string) Attribute {
		return Attribute{Key: key, UniversalID: uid, Labels: []string{label}, Type: typ, Custom: true, Available: true}
	}
	return NewCatalog("personio", []Attribute{
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

func personioTenantCatalog() *Catalog { return PersonioCatalog().Merge(personioAPICatalog()) }
