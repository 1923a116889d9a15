package lattice

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// FuzzDecodeUsersPage feeds arbitrary bytes to the decoder of GET /v1/users pages and
// maps every decoded user with the default mapping: nothing may panic, and a decoded page
// must map without any error other than a *mapping.RecordError.
func FuzzDecodeUsersPage(f *testing.F) {
	for _, seed := range []string{
		`{"object":"list","hasMore":false,"endingCursor":null,"data":[]}`,
		`{"object":"list","hasMore":true,"endingCursor":"c1","data":[{"id":"u1","name":"Ada Lovelace","email":"ada@example.com","status":"ACTIVE","startDate":"2021-03-01","createdAt":1651584000,"manager":{"object":"user","id":"m","url":"/v1/user/m"}}]}`,
		`{"data":[{"id":"u1","name":null,"status":"DEACTIVATED","birthDate":"1990-12-10T00:00:00+01:00","updatedAt":"1654125498","externalUserId":42,"jobLevel":{"name":"L3"}}]}`,
		`{"data":[{"id":"u1","createdAt":1e300}]}`,
		`{"data":[{"id":"u1","createdAt":-1651584000000,"startDate":"0000-00-00"}]}`,
		`{"object":"user"}`,
		`[]`,
		`{"data":[{"id":"","status":"WEIRD","name":"   "}]}`,
	} {
		f.Add([]byte(seed))
	}
	m, err := mapping.Compile(DefaultSpec(), Catalog())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var env envelope[wireUser]
		if json.Unmarshal(data, &env) != nil {
			return
		}
		_ = env.check("/v1/users")
		_ = env.cursor()
		for i := range env.Data {
			u := env.Data[i].user()
			var uu unified.User
			if err := m.ApplyUser(&Record{User: &u}, &uu); err != nil {
				var re *mapping.RecordError
				if !errors.As(err, &re) {
					t.Errorf("mapping failed with %T: %v", err, err)
				}
			}
		}
	})
}

// FuzzCustomAttributeValue types arbitrary custom attribute values.
func FuzzCustomAttributeValue(f *testing.F) {
	for _, seed := range []string{`"London"`, `42`, `-2.5e3`, `true`, `null`, `["a",1,{"name":"b"}]`, `{"value":"x"}`, `"2021-02-30"`, `"2021-02-03"`} {
		f.Add([]byte(`{"id":"v","attribute":{"id":"a","name":"A","type":"DATE"},"value":`+seed+`}`), "DATE")
	}
	f.Fuzz(func(t *testing.T, data []byte, typ string) {
		var v CustomAttributeValue
		if json.Unmarshal(data, &v) != nil {
			return
		}
		v.Attribute.Type = typ
		_ = v.Text()
		_ = attributeValue(&v).String()
	})
}

// FuzzDirectoryCursor feeds arbitrary positions through the cursor codec: decoding one
// must never panic, and start must accept or reject it with ErrInvalidCursor.
func FuzzDirectoryCursor(f *testing.F) {
	f.Add(`{"a":"x"}`)
	f.Add(`{"a":"x","p":"AAAAAAAAAAE","s":"AAAAAAAAAAI","k":true}`)
	f.Add(`{"a":"","p":"!!"}`)
	f.Add(`{"a":"x","p":"AAAA"}`)
	d := &Directory{cfg: dirConfig{pageSize: MaxPageSize}}
	f.Fuzz(func(t *testing.T, payload string) {
		var raw json.RawMessage
		if json.Unmarshal([]byte(payload), &raw) != nil {
			return
		}
		fp := (&unified.Filter{}).Fingerprint()
		c, err := cursor.Encode(ProviderName, fp, raw)
		if err != nil {
			return
		}
		if _, _, err := d.start(&unified.ListOptions{Cursor: c}); err != nil && !errors.Is(err, unified.ErrInvalidCursor) {
			t.Errorf("start: %v", err)
		}
	})
}
