package lattice

import (
	"slices"

	"github.com/hrisconnect/hrisconnect/mapping"
)

// Catalog returns the fields of a Lattice user (GET /v1/users), keyed by their camelCase
// JSON names with the labels Lattice's help pages use, plus the given custom attributes,
// keyed by attribute id and labelled with their names, so that a spec can name them by
// either (compile it with mapping.Compile). Attributes listed twice are added once.
// Lattice API keys see every field of the users they can see, so all are Available.
//
// manager and department are references (KindRef); createdAt and updatedAt are instants;
// startDate and birthDate are calendar days. mapping.Check words its to-do lines for
// Lattice's admins. Each call returns a new catalog.
func Catalog(attrs ...CustomAttribute) *mapping.Catalog {
	field := func(key, typ, en string, other ...string) mapping.Attribute {
		return mapping.Attribute{Key: key, LabelEN: en, Labels: other, Type: typ, Available: true}
	}
	all := []mapping.Attribute{
		field("id", "string", "ID", "User ID"),
		field("name", "string", "Name", "Full name"),
		field("preferredName", "string", "Preferred Name"),
		field("email", "string", "Email", "Work Email"),
		field("title", "string", "Title", "Primary Job Title", "Job title"),
		field("status", "enum", "Status"),
		field("externalUserId", "string", "External user ID", "External ID"),
		field("startDate", "date", "Start Date"),
		field("birthDate", "date", "Birthdate", "Birthday", "Date of birth"),
		field("gender", "enum", "Gender"),
		field("timezone", "string", "Timezone", "Time zone"),
		field("isAdmin", "bool", "Admin", "Is admin"),
		field("manager", "ref", "Manager"),
		field("department", "ref", "Department"),
		field("createdAt", "timestamp", "Created at"),
		field("updatedAt", "timestamp", "Updated at"),
		field("jobFunction", "string", "Job function"),
		field("jobLevel", "string", "Job level"),
		field("jobType", "string", "Job type"),
	}
	seen := make(map[string]bool, len(all)+len(attrs))
	for _, a := range all {
		seen[a.Key] = true
	}
	for _, a := range attrs {
		if a.ID == "" || seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		all = append(all, mapping.Attribute{Key: a.ID, LabelEN: a.Name, Type: a.Type, Custom: true, Available: true})
	}
	c := mapping.NewCatalog(ProviderName, slices.Clip(all))
	c.Advice = mapping.Advice{
		Title:       "Lattice",
		Unavailable: "is not visible to this API key: use a key created by an admin who can see it",
		Unlisted:    "is not known to this Lattice account: check the key, and that the custom attribute exists in Lattice",
	}
	return c
}
