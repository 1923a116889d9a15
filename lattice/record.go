package lattice

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Record presents a Lattice user to the mapping package: it implements mapping.Record,
// keyed like [Catalog] (the API's JSON field names), plus one key per custom
// attribute: the attribute's id, labelled with its name in the catalog that [Catalog]
// builds. The Directory maps every user through a Record; use one yourself to map
// users of the typed API with a mapper of your own.
//
// Values are typed: startDate and birthDate are mapping.KindDate, createdAt and
// updatedAt mapping.KindTime, isAdmin mapping.KindBool, manager and department
// mapping.KindRef (with the resolved name, and the manager's email, when set here), and
// null or empty fields mapping.KindNull. Custom attribute values are text, numbers,
// booleans, lists of text, or days (for attributes whose type names a date).
type Record struct {
	// User is the user; required.
	User *User
	// Manager is the user's manager with name and email, as resolved by the caller; nil
	// means the reference as the API sent it (ID only).
	Manager *unified.Ref
	// Department is the user's department with its name; nil means ID only.
	Department *unified.Ref
	// CustomAttributes are the user's custom attribute values, if they were loaded.
	CustomAttributes []CustomAttributeValue
}

var _ mapping.Record = (*Record)(nil)

// ID returns the user's id.
func (r *Record) ID() string {
	if r == nil || r.User == nil {
		return ""
	}
	return r.User.ID
}

func text(s string) mapping.Value {
	if s == "" {
		return mapping.Value{}
	}
	return mapping.StringValue(s)
}

// Lookup returns the value of the field or custom attribute with the given key. Standard
// fields are always present (possibly null); a custom attribute is present when the user
// has a value for it.
func (r *Record) Lookup(key string) (mapping.Value, bool) {
	if r == nil || r.User == nil {
		return mapping.Value{}, false
	}
	u := r.User
	switch key {
	case "id":
		return text(u.ID), true
	case "name":
		return text(u.Name), true
	case "preferredName":
		return text(u.PreferredName), true
	case "email":
		return text(u.Email), true
	case "title":
		return text(u.Title), true
	case "status":
		return text(u.Status), true
	case "externalUserId":
		return text(u.ExternalUserID), true
	case "gender":
		return text(u.Gender), true
	case "timezone":
		return text(u.Timezone), true
	case "jobFunction":
		return text(u.JobFunction), true
	case "jobLevel":
		return text(u.JobLevel), true
	case "jobType":
		return text(u.JobType), true
	case "isAdmin":
		return mapping.BoolValue(u.IsAdmin), true
	case "startDate":
		return day(u.StartDate), true
	case "birthDate":
		return day(u.BirthDate), true
	case "createdAt":
		return instant(u.CreatedAt), true
	case "updatedAt":
		return instant(u.UpdatedAt), true
	case "manager":
		return ref(r.Manager, u.Manager), true
	case "department":
		return ref(r.Department, u.Department), true
	}
	for i := range r.CustomAttributes {
		if v := &r.CustomAttributes[i]; v.Attribute.ID == key {
			return attributeValue(v), true
		}
	}
	return mapping.Value{}, false
}

func instant(t time.Time) mapping.Value {
	if t.IsZero() {
		return mapping.Value{}
	}
	return mapping.TimeValue(t)
}

func day(d *unified.Date) mapping.Value {
	if d == nil || d.IsZero() {
		return mapping.Value{}
	}
	return mapping.DateValue(*d)
}

func ref(resolved *unified.Ref, stub *Ref) mapping.Value {
	switch {
	case resolved != nil && *resolved != (unified.Ref{}):
		return mapping.RefValue(*resolved)
	case stub != nil && stub.ID != "":
		return mapping.RefValue(unified.Ref{ID: stub.ID})
	}
	return mapping.Value{}
}

// attributeValue types a custom attribute value: strings (days for attributes whose type
// names a date), numbers, booleans, lists of text; objects by their name.
func attributeValue(v *CustomAttributeValue) mapping.Value {
	raw := bytes.TrimSpace(v.Value)
	if len(raw) == 0 {
		return mapping.Value{}
	}
	switch c := raw[0]; {
	case c == 'n':
		return mapping.Value{}
	case c == 't' || c == 'f':
		return mapping.BoolValue(c == 't')
	case c == '-' || (c >= '0' && c <= '9'):
		if f, err := strconv.ParseFloat(string(raw), 64); err == nil {
			return mapping.NumberValue(f)
		}
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			break
		}
		if strings.Contains(strings.ToUpper(v.Attribute.Type), "DATE") {
			if d, err := unified.ParseDate(strings.TrimSpace(s)); err == nil {
				return mapping.DateValue(d)
			}
		}
		return text(s)
	case c == '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			out := make([]string, 0, len(items))
			for _, it := range items {
				if s := jsonText(it); s != "" {
					out = append(out, s)
				}
			}
			if len(out) == 0 {
				return mapping.Value{}
			}
			return mapping.ListValue(out)
		}
	}
	return text(jsonText(raw))
}
