package directorytest_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

func sample(n int) []unified.User {
	depts := []unified.Ref{{ID: "10", Name: "Engineering"}, {ID: "20", Name: "Sales"}, {ID: "30", Name: "People"}}
	les := []unified.Ref{{ID: "1", Name: "Demo GmbH"}, {ID: "2", Name: "Demo Ltd"}}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]unified.User, n)
	for i := range out {
		d, le := depts[i%3], les[i%2]
		out[i] = unified.User{
			ID:             strconv.Itoa(1000 + i),
			Email:          fmt.Sprintf("p%d@example.com", i),
			Status:         unified.Status(1 + i%5),
			EmploymentType: unified.EmploymentType(1 + i%2),
			Department:     &d,
			LegalEntity:    &le,
			UpdatedAt:      base.Add(time.Duration(i) * time.Hour),
		}
	}
	return out
}

func TestMemoryConforms(t *testing.T) {
	t.Parallel()
	users := sample(40)
	want := make([]string, len(users))
	for i := range users {
		want[i] = users[i].ID
	}
	directorytest.Run(t, directorytest.NewMemory("memory", users, directorytest.WithMe("1003")), &directorytest.Options{WantIDs: want})
}
