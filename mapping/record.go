package mapping

// Record is one source record: an employee of an HR system, a row of the caller's own. Provider adapters implement it over their decoded API records; [MapRecord] serves
// callers with data at hand.
//
// Implementations must be safe for concurrent reads if one record is mapped by several
// goroutines at once (mapping one record once is the usual case).
type Record interface {
	// ID identifies the record in errors (the provider's id of the employee).
	ID() string
	// Lookup returns the value of the attribute with the given stable key, exactly as the
	// key appears in the [Catalog] ("first_name", "dynamic_24407", "externalUserId").
	// The boolean is false when the record does not carry the attribute.
	Lookup(key string) (Value, bool)
}

// MapRecord is a [Record] backed by a map from stable attribute key to value.
type MapRecord struct {
	// RecordID is returned by ID.
	RecordID string
	// Values holds the record's attributes by stable key.
	Values map[string]Value
}

// ID returns r.RecordID.
func (r MapRecord) ID() string { return r.RecordID }

// Lookup returns r.Values[key].
func (r MapRecord) Lookup(key string) (Value, bool) {
	v, ok := r.Values[key]
	return v, ok
}
