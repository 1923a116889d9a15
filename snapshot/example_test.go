package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

// A provisioning job keeps accounts in step with the internal employees of a directory.
// Each run loads the snapshot the previous run saved, lists the directory into a new one,
// compares the two and hands the changes on; only when all went well does it save the
// new snapshot. Diff refuses, and nothing is applied or saved, when the new read is of
// another directory or listing, or would remove most people: a misconfigured run or a
// provider outage must not deprovision everyone.
func Example() {
	tmp, err := os.MkdirTemp("", "provisioning")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "employees.jsonl")
	internal := &unified.ListOptions{Filter: unified.Filter{EmploymentTypes: []unified.EmploymentType{unified.EmploymentInternal}}}
	today := unified.NewDate(2025, time.March, 3)

	provision := func(ctx context.Context, dir unified.Directory, firstRun bool) error {
		prev, err := snapshot.Load(path)
		if err != nil && !(firstRun && errors.Is(err, fs.ErrNotExist)) {
			return err
		}
		next, err := snapshot.Take(ctx, dir, internal)
		if err != nil {
			return err
		}
		changes, err := snapshot.Diff(prev, next, snapshot.FirstRun(firstRun), snapshot.AsOf(today))
		if err != nil {
			return err
		}
		for c := range changes.All() {
			// Hand c on: create, update or deactivate the account. c.Key() identifies
			// the change, so that one handed on twice is applied once.
			fmt.Printf("%s %s", c.Kind, c.User.Email)
			for _, f := range c.Fields {
				fmt.Printf(" %s=%q", f.Field, f.New)
			}
			if c.Kind == snapshot.Left {
				fmt.Printf(" (%s)", c.Reason)
			}
			fmt.Println()
		}
		return snapshot.Save(path, next)
	}

	user := func(id, name, dept string) unified.User {
		return unified.User{ID: id, DisplayName: name, Email: name + "@example.com", Status: unified.StatusActive,
			EmploymentType: unified.EmploymentInternal, Department: &unified.Ref{ID: dept}}
	}
	ada, ben, cleo, dan := user("1", "ada", "eng"), user("2", "ben", "eng"), user("3", "cleo", "ops"), user("4", "dan", "ops")
	ctx := context.Background()

	fmt.Println("# first run")
	if err := provision(ctx, directorytest.NewMemory("personio", []unified.User{ada, ben, cleo}), true); err != nil {
		fmt.Println(err)
	}

	fmt.Println("# next day: Ben moves to ops, Cleo leaves, Dan joins")
	ben.Department = &unified.Ref{ID: "ops"}
	cleo.Status = unified.StatusInactive
	if err := provision(ctx, directorytest.NewMemory("personio", []unified.User{ada, ben, cleo, dan}), false); err != nil {
		fmt.Println(err)
	}

	fmt.Println("# pointed at another provider by mistake")
	if err := provision(ctx, directorytest.NewMemory("lattice", []unified.User{ada}), false); err != nil {
		fmt.Println(err)
	}

	fmt.Println("# the provider answers with an empty directory")
	if err := provision(ctx, directorytest.NewMemory("personio", nil), false); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # first run
	// joined ada@example.com
	// joined ben@example.com
	// joined cleo@example.com
	// # next day: Ben moves to ops, Cleo leaves, Dan joins
	// joined dan@example.com
	// moved ben@example.com department="ops"
	// left cleo@example.com (deactivated)
	// # pointed at another provider by mistake
	// snapshot: the previous snapshot is of "personio", the new one of "lattice": compare two reads of one listing: snapshots of different listings
	// # the provider answers with an empty directory
	// snapshot: 3 of 3 users would leave (100%, more than the 50% allowed): check the directory and its credentials, or allow it with MaxLeaverShare: too many leavers
}

func ExampleDiff() {
	day := func(y int, m time.Month, d int) *unified.Date { v := unified.NewDate(y, m, d); return &v }
	eng := &unified.Ref{ID: "d1", Name: "Engineering"}
	sales := &unified.Ref{ID: "d2", Name: "Sales"}
	yesterday := &snapshot.Snapshot{Provider: "personio", Users: []unified.User{
		{ID: "1", DisplayName: "Ada", Status: unified.StatusActive, Department: eng, Title: "Engineer"},
		{ID: "2", DisplayName: "Ben", Status: unified.StatusActive, Department: eng},
		{ID: "3", DisplayName: "Cleo", Status: unified.StatusActive, Department: eng},
		{ID: "4", DisplayName: "Dan", Status: unified.StatusActive, Department: eng},
		{ID: "6", DisplayName: "Finn", Status: unified.StatusActive, Department: sales},
		{ID: "7", DisplayName: "Gus", Status: unified.StatusActive, Department: sales},
	}}
	today := &snapshot.Snapshot{Provider: "personio", Users: []unified.User{
		{ID: "1", DisplayName: "Ada", Status: unified.StatusActive, Department: sales, Title: "Account Executive"},
		{ID: "2", DisplayName: "Ben", Status: unified.StatusInactive, Department: eng},
		{ID: "4", DisplayName: "Dan", Status: unified.StatusActive, Department: eng, TerminationDate: day(2025, 2, 28)},
		{ID: "5", DisplayName: "Eve", Status: unified.StatusOnboarding, Department: sales},
		{ID: "6", DisplayName: "Finn", Status: unified.StatusActive, Department: sales},
		{ID: "7", DisplayName: "Gus", Status: unified.StatusActive, Department: sales},
	}}
	// Three of six leave: half, which is as many as Diff allows by default.
	changes, err := snapshot.Diff(yesterday, today,
		snapshot.AsOf(unified.NewDate(2025, time.March, 1)),
		snapshot.IgnoreFields("custom.*"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes.Joined {
		fmt.Println("joined:", c.User.Name())
	}
	for _, c := range changes.Left {
		fmt.Println("left:", c.User.Name(), c.Reason)
	}
	for _, c := range changes.Moved {
		for _, f := range c.Fields {
			fmt.Printf("moved: %s %s %q → %q\n", c.User.Name(), f.Field, f.Old, f.New)
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

// Compare classifies one person from two records, as Diff does for everyone: here the
// record before and after an edit, as a provider's webhook might deliver them.
func ExampleCompare() {
	before := unified.User{ID: "7", Provider: "personio", DisplayName: "Gus", Status: unified.StatusActive,
		Title: "Engineer", Manager: &unified.Ref{ID: "1", Name: "Ada"}}
	after := before
	after.Manager = &unified.Ref{ID: "2", Name: "Ben"}

	c := snapshot.Compare(&before, &after)
	fmt.Println(c.Kind, c.User.Name(), c.Fields)
	fmt.Println(snapshot.Compare(&before, &before) == nil)
	fmt.Println(snapshot.Compare(nil, &after).Kind)
	fmt.Println(snapshot.Compare(&before, nil).Reason)
	// The same change, wherever it is computed, has the same key.
	fmt.Println(c.Key() == snapshot.Compare(&before, &after).Key(), len(c.Key()))
	// Output:
	// moved Gus [{manager Ada (1) Ben (2)}]
	// true
	// joined
	// removed
	// true 32
}

func ExampleWrite() {
	s := &snapshot.Snapshot{
		Provider: "personio",
		TakenAt:  time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC),
		Users: []unified.User{
			{ID: "1", Provider: "personio", DisplayName: "Ada", Status: unified.StatusActive},
			{ID: "2", Provider: "personio", DisplayName: "Ben", Status: unified.StatusLeave},
		},
	}
	var file bytes.Buffer
	if err := snapshot.Write(&file, s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(file.String())
	back, err := snapshot.Read(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Provider, back.TakenAt)
	for _, u := range back.Users {
		fmt.Println(u.ID, u.Name(), u.Status)
	}
	// Output:
	// {"$snapshot":{"version":1,"provider":"personio","taken_at":"2025-03-01T02:00:00Z"}}
	// {"id":"1","provider":"personio","display_name":"Ada","status":"active","employment_type":"unknown"}
	// {"id":"2","provider":"personio","display_name":"Ben","status":"leave","employment_type":"unknown"}
	// personio 2025-03-01 02:00:00 +0000 UTC
	// 1 Ada active
	// 2 Ben leave
}
