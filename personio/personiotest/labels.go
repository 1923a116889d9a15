package personiotest

import "github.com/hrisconnect/hrisconnect/fakecompany"

// Language indexes the label tables.
const (
	langEN = 0
	langDE = 1
)

// stdAttr is a standard (non-custom) v1 employee attribute.
type stdAttr struct {
	key    string
	typ    string    // the v1 attribute type
	labels [2]string // English, German
}

// Indexes into stdAttrs, in the order the attributes are rendered.
const (
	aID = iota
	aFirstName
	aLastName
	aPreferredName
	aEmail
	aGender
	aStatus
	aPosition
	aSupervisor
	aEmploymentType
	aWeeklyHours
	aHireDate
	aContractEnd
	aTerminationDate
	aTerminationType
	aTerminationReason
	aProbationEnd
	aCreatedAt
	aLastModified
	aSubcompany
	aOffice
	aDepartment
	aTeam
	aCostCenters
	aHolidayCalendar
	aAbsenceEntitlement
	aWorkSchedule
	aFixSalary
	aFixSalaryInterval
	aHourlySalary
	aVacationBalance
	aLastWorkingDay
	aProfilePicture
	aDateOfBirth
	numStdAttrs
)

// stdAttrs lists the standard v1 attributes the fake renders, with the English labels of
// Personio's published example response and the German labels of Personio's German UI
// (the credential form's "German label" column where it names the attribute).
var stdAttrs = [numStdAttrs]stdAttr{
	aID:                 {"id", "integer", [2]string{"ID", "ID"}},
	aFirstName:          {"first_name", "standard", [2]string{"First name", "Vorname"}},
	aLastName:           {"last_name", "standard", [2]string{"Last name", "Nachname"}},
	aPreferredName:      {"preferred_name", "standard", [2]string{"Name (preferred)", "Rufname"}},
	aEmail:              {"email", "standard", [2]string{"Email", "E-Mail"}},
	aGender:             {"gender", "standard", [2]string{"Gender", "Geschlecht"}},
	aStatus:             {"status", "standard", [2]string{"Status", "Status"}},
	aPosition:           {"position", "standard", [2]string{"Position", "Position"}},
	aSupervisor:         {"supervisor", "standard", [2]string{"Supervisor", "Vorgesetzter"}},
	aEmploymentType:     {"employment_type", "standard", [2]string{"Employment type", "Anstellungsart"}},
	aWeeklyHours:        {"weekly_working_hours", "standard", [2]string{"Weekly hours", "Arbeitszeiten"}},
	aHireDate:           {"hire_date", "date", [2]string{"Hire date", "Anstelldatum"}},
	aContractEnd:        {"contract_end_date", "date", [2]string{"Contract ends", "Vertragsende"}},
	aTerminationDate:    {"termination_date", "date", [2]string{"Termination date", "Austrittsdatum"}},
	aTerminationType:    {"termination_type", "standard", [2]string{"Termination type", "Kündigungsart"}},
	aTerminationReason:  {"termination_reason", "standard", [2]string{"Termination reason", "Kündigungsgrund"}},
	aProbationEnd:       {"probation_period_end", "date", [2]string{"Probation period end", "Ende der Probezeit"}},
	aCreatedAt:          {"created_at", "date", [2]string{"created_at", "Erstellt am"}},
	aLastModified:       {"last_modified_at", "date", [2]string{"Last modified", "Zuletzt geändert"}},
	aSubcompany:         {"subcompany", "standard", [2]string{"Subcompany", "Gesellschaft"}},
	aOffice:             {"office", "standard", [2]string{"Office", "Standort"}},
	aDepartment:         {"department", "standard", [2]string{"Department", "Abteilung"}},
	aTeam:               {"team", "standard", [2]string{"Team", "Team"}},
	aCostCenters:        {"cost_centers", "standard", [2]string{"Cost center", "Kostenstelle"}},
	aHolidayCalendar:    {"holiday_calendar", "standard", [2]string{"Public holidays", "Feiertage"}},
	aAbsenceEntitlement: {"absence_entitlement", "standard", [2]string{"Absence entitlement", "Abwesenheitsanspruch"}},
	aWorkSchedule:       {"work_schedule", "standard", [2]string{"Work schedule", "Arbeitszeitmodell"}},
	aFixSalary:          {"fix_salary", "decimal", [2]string{"Fix salary", "Fixgehalt"}},
	aFixSalaryInterval:  {"fix_salary_interval", "standard", [2]string{"Salary interval", "Gehaltsintervall"}},
	aHourlySalary:       {"hourly_salary", "decimal", [2]string{"Hourly salary", "Stundenlohn"}},
	aVacationBalance:    {"vacation_day_balance", "decimal", [2]string{"Vacation day balance", "Urlaubskonto"}},
	aLastWorkingDay:     {"last_working_day", "date", [2]string{"Last day of work", "Letzter Arbeitstag"}},
	aProfilePicture:     {"profile_picture", "standard", [2]string{"Profile Picture", "Profilbild"}},
	aDateOfBirth:        {"date_of_birth", "date", [2]string{"Date of birth", "Geburtstag"}},
}

// PersonnelNumberKey is the key of the custom attribute under which the fake renders a
// person's personnel number (fakecompany's Person.EmployeeNumber). Personio has no
// standard attribute for it: tenants keep it in a custom field labelled "Personalnummer"
// ("Personal Number"), so the fake does the same, with a null universal_id.
const PersonnelNumberKey = "dynamic_10000"

// personnelNumberLabels are the labels of [PersonnelNumberKey].
var personnelNumberLabels = [2]string{"Personal Number", "Personalnummer"}

// DateOfBirthDynamicKey is the custom key under which the DynamicDateOfBirth quirk
// delivers the birthday, the key of Personio's "get employee" example.
const DateOfBirthDynamicKey = "dynamic_180883"

// birthdayLabels are the labels of [DateOfBirthDynamicKey]: English as in Personio's
// example, German as in its UI.
var birthdayLabels = [2]string{"Birthday", "Geburtstag"}

// birthdayAllowed reports whether the credential may read the birthday, by its
// standard key or, under the DynamicDateOfBirth quirk, by [DateOfBirthDynamicKey].
func (s *Server) birthdayAllowed() bool {
	return s.std[aDateOfBirth] || s.dynAllow[DateOfBirthDynamicKey]
}

// notFoundMessage is the message of a v1 404, in German in every language and with the
// trailing space, exactly as Personio sends it.
const notFoundMessage = "Es ist ein Problem aufgetreten "

// customLabel returns the label of a custom attribute in language lang: the German one
// when asked for and there is one, else the English one.
func customLabel(a *fakecompany.CustomAttribute, lang int) string {
	if lang == langDE && a.LabelDE != "" {
		return a.LabelDE
	}
	return a.LabelEN
}
