package snapshot_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

func ExampleDiff() {
	day := func(y int, m time.Month, d int) *unified.Date { v := unified.NewDate(y, m, d); return &v }
	eng := &unified.Ref{ID: "d1", Name: "Engineering"}
	sales := &unified.Ref{ID: "d2", Name: "Sales"}
	yesterday := []unified.User{
		{ID: "1", DisplayName: "Ada", Status: unified.StatusActive, Department: eng, Title: "Engineer"},
		{ID: "2", DisplayName: "Ben", Status: unified.StatusActive, Department: eng},
		{ID: "3", DisplayName: "Cleo", Status: unified.StatusActive, Department: eng},
		{ID: "4", DisplayName: "Dan", Status: unified.StatusActive, Department: eng},
	}
	today := []unified.User{
		{ID: "1", DisplayName: "Ada", Status: unified.StatusActive, Department: sales, Title: "Account Executive"},
		{ID: "2", DisplayName: "Ben", Status: unified.StatusInactive, Department: eng},
		{ID: "4", DisplayName: "Dan", Status: unified.StatusActive, Department: eng, TerminationDate: day(2025, 2, 28)},
		{ID: "5", DisplayName: "Eve", Status: unified.StatusOnboarding, Department: sales},
	}
	changes := snapshot.Diff(yesterday, today,
		snapshot.AsOf(unified.NewDate(2025, time.March, 1)),
		snapshot.IgnoreFields("custom.*"))
	for _, u := range changes.Joined {
		fmt.Println("joined:", u.Name())
	}
	for _, l := range changes.Left {
		fmt.Println("left:", l.User.Name(), l.Reason)
	}
	for _, m := range changes.Moved {
		for _, f := range m.Fields {
			fmt.Printf("moved: %s %s %q → %q\n", m.Name, f.Field, f.Old, f.New)
		}
	}
	// Output:
	// joined: Eve
	// left: Ben deactivated
	// left: Cleo removed
	// left: Dan terminated
	// moved: Ada title "Engineer" → "Account Executive"
	// moved: Ada department "Engineering (d1)" → "Sales (d2)"
}

func ExampleWriteUsers() {
	users := []unified.User{
		{ID: "1", Provider: "personio", DisplayName: "Ada", Status: unified.StatusActive},
		{ID: "2", Provider: "personio", DisplayName: "Ben", Status: unified.StatusLeave},
	}
	seq := func(yield func(unified.User, error) bool) {
		for _, u := range users {
			if !yield(u, nil) {
				return
			}
		}
	}
	var file bytes.Buffer
	n, err := snapshot.WriteUsers(&file, seq)
	fmt.Println(n, err)
	fmt.Print(file.String())
	for u, err := range snapshot.ReadUsers(&file) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(u.ID, u.Name(), u.Status)
	}
	// Output:
	// 2 <nil>
	// {"id":"1","provider":"personio","display_name":"Ada","status":"active","employment_type":"unknown"}
	// {"id":"2","provider":"personio","display_name":"Ben","status":"leave","employment_type":"unknown"}
	// 1 Ada active
	// 2 Ben leave
}
