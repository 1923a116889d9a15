package mapping

// personioAttr builds a standard Personio v1 attribute whose universal_id equals its key.
func personioAttr(key, typ, en, de string, other ...string) Attribute {
	return Attribute{Key: key, UniversalID: key, LabelEN: en, LabelDE: de, Labels: other, Type: typ}
}

// PersonioCatalog returns the known Personio v1 employee attributes with their English and
// German labels, all with Available false. A Personio adapter merges the attribute list
// of GET /v1/company/employees/attributes over it ([Catalog.Merge]), which marks what the
// credentials can read and adds the tenant's custom attributes.
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
// Each call returns a new catalog.
func PersonioCatalog() *Catalog {
	return NewCatalog("personio", []Attribute{
		personioAttr("id", "integer", "Employee ID", "Employee ID", "ID"),
		personioAttr("first_name", "standard", "First name", "Vorname", "Firstname", "First Name (legal)"),
		personioAttr("last_name", "standard", "Last name", "Nachname", "Lastname", "Last Name (legal)"),
		personioAttr("preferred_name", "standard", "Preferred name", "", "Name (preferred)"),
		personioAttr("email", "standard", "Email", "E-Mail"),
		personioAttr("gender", "standard", "Gender", "Geschlecht"),
		personioAttr("status", "standard", "Status", "Status"),
		personioAttr("position", "standard", "Position", "Position"),
		personioAttr("supervisor", "standard", "Supervisor", "Vorgesetzter"),
		personioAttr("employment_type", "standard", "Employment type", "Anstellungsart"),
		personioAttr("weekly_working_hours", "standard", "Weekly hours", "Arbeitszeiten"),
		personioAttr("hire_date", "date", "Hire date", "Anstelldatum", "Eintrittsdatum"),
		personioAttr("contract_end_date", "date", "Contract ends", ""),
		personioAttr("termination_date", "date", "Termination date", "Austrittsdatum"),
		personioAttr("termination_type", "standard", "Termination type", ""),
		personioAttr("termination_reason", "standard", "Termination reason", ""),
		personioAttr("probation_period_end", "date", "Probation period end", ""),
		personioAttr("last_working_day", "date", "Last day of work", "Letzter Arbeitstag"),
		personioAttr("created_at", "date", "Created at", "Erstellt am"),
		personioAttr("last_modified_at", "date", "Last modified", "Zuletzt geändert"),
		personioAttr("subcompany", "standard", "Subcompany", "Gesellschaft"),
		personioAttr("office", "standard", "Office", "Standort"),
		personioAttr("department", "standard", "Department", "Abteilung"),
		personioAttr("team", "standard", "Team", "Team"),
		personioAttr("cost_centers", "standard", "Cost center", "Kostenstelle"),
		personioAttr("holiday_calendar", "standard", "Public holidays", ""),
		personioAttr("work_schedule", "standard", "Work schedule", ""),
		personioAttr("absence_entitlement", "standard", "Absence entitlement", ""),
		personioAttr("fix_salary", "decimal", "Fix salary", ""),
		personioAttr("fix_salary_interval", "standard", "Salary interval", ""),
		personioAttr("hourly_salary", "decimal", "Hourly salary", ""),
		personioAttr("vacation_day_balance", "decimal", "Vacation day balance", ""),
		personioAttr("profile_picture", "standard", "Profile Picture", ""),
		personioAttr("date_of_birth", "date", "Date of birth", "Geburtstag", "Birthday"),
		{Key: "personal_number", LabelEN: "Personal Number", LabelDE: "Personalnummer", Type: "standard"},
		{Key: "datev_personal_number", LabelEN: "DATEV personal number", LabelDE: "DATEV Personalnummer", Type: "standard"},
		{Key: "occupation_type", LabelEN: "Occupation type", LabelDE: "Occupation type", Type: "standard"},
	})
}

// LatticeCatalog returns the fields of a Lattice user (Talent API v1, GET /v1/users),
// keyed by their camelCase JSON names, with the labels Lattice's help pages use. Lattice
// API keys see every field of the users they can see, so all are Available. A Lattice
// adapter adds custom attributes (Custom true) with [Catalog.Merge].
//
// manager and department are references (KindRef); createdAt and updatedAt are instants;
// startDate and birthDate are calendar days.
//
// Each call returns a new catalog.
func LatticeCatalog() *Catalog {
	attr := func(key, typ, en string, other ...string) Attribute {
		return Attribute{Key: key, LabelEN: en, Labels: other, Type: typ, Available: true}
	}
	return NewCatalog("lattice", []Attribute{
		attr("id", "string", "ID", "User ID"),
		attr("name", "string", "Name", "Full name"),
		attr("preferredName", "string", "Preferred Name"),
		attr("email", "string", "Email", "Work Email"),
		attr("title", "string", "Title", "Primary Job Title", "Job title"),
		attr("status", "enum", "Status"),
		attr("externalUserId", "string", "External user ID", "External ID"),
		attr("startDate", "date", "Start Date"),
		attr("birthDate", "date", "Birthdate", "Birthday", "Date of birth"),
		attr("gender", "enum", "Gender"),
		attr("timezone", "string", "Timezone", "Time zone"),
		attr("isAdmin", "bool", "Admin", "Is admin"),
		attr("manager", "ref", "Manager"),
		attr("department", "ref", "Department"),
		attr("createdAt", "timestamp", "Created at"),
		attr("updatedAt", "timestamp", "Updated at"),
		attr("jobFunction", "string", "Job function"),
		attr("jobLevel", "string", "Job level"),
		attr("jobType", "string", "Job type"),
	})
}
