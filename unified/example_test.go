package unified_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

func sampleDirectory() unified.Directory {
	return directorytest.NewMemory("example", []unified.User{
		{ID: "1", DisplayName: "Ada Lovelace", Status: unified.StatusActive, Department: &unified.Ref{ID: "10", Name: "Engineering"}},
		{ID: "2", DisplayName: "Charles Babbage", Status: unified.StatusInactive, Department: &unified.Ref{ID: "10", Name: "Engineering"}},
		{ID: "3", DisplayName: "Grace Hopper", Status: unified.StatusActive, Department: &unified.Ref{ID: "20", Name: "Research"}},
		{ID: "4", DisplayName: "Alan Turing", Status: unified.StatusLeave, Department: &unified.Ref{ID: "20", Name: "Research"}},
	})
}

// Range over every user; the iterator requests page after page as you go.
func ExampleUsers() {
	ctx := context.Background()
	dir := sampleDirectory()

	for u, err := range unified.Users(ctx, dir, &unified.ListOptions{PageSize: 2}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s: %s (%s)\n", u.ID, u.DisplayName, u.Status)
	}
	// Output:
	// 1: Ada Lovelace (active)
	// 2: Charles Babbage (inactive)
	// 3: Grace Hopper (active)
	// 4: Alan Turing (leave)
}

// A Filter means the same on every provider.
func ExampleUsers_filter() {
	ctx := context.Background()
	opts := &unified.ListOptions{Filter: unified.Filter{
		Statuses:    []unified.Status{unified.StatusActive, unified.StatusLeave},
		Departments: []string{"research"}, // an ID, or a name in any case
	}}
	for u, err := range unified.Users(ctx, sampleDirectory(), opts) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(u.DisplayName)
	}
	// Output:
	// Grace Hopper
	// Alan Turing
}

// Page by hand to keep a cursor, for example to resume an export after a restart.
func ExampleDirectory_ListUsers() {
	ctx := context.Background()
	dir := sampleDirectory()

	page, err := dir.ListUsers(ctx, &unified.ListOptions{PageSize: 3})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(len(page.Users), "users, more:", page.NextCursor != "")

	// Later, possibly in another process: resume from the saved cursor.
	page, err = dir.ListUsers(ctx, &unified.ListOptions{PageSize: 3, Cursor: page.NextCursor})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(page.Users[0].DisplayName, "more:", page.NextCursor != "")

	// A cursor is bound to its filter.
	_, err = dir.ListUsers(ctx, &unified.ListOptions{
		Cursor: "not-a-cursor",
		Filter: unified.Filter{Statuses: []unified.Status{unified.StatusActive}},
	})
	fmt.Println(errors.Is(err, unified.ErrInvalidCursor))
	// Output:
	// 3 users, more: true
	// Alan Turing more: false
	// true
}

// Errors from every provider match the same sentinels.
func ExampleAPIError() {
	var err error = fmt.Errorf("get user: %w", &unified.APIError{Provider: "lattice", StatusCode: 404, Message: "user not found"})

	fmt.Println(errors.Is(err, unified.ErrNotFound))
	var apiErr *unified.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Provider, apiErr.StatusCode, apiErr.Message)
	}
	// Output:
	// true
	// lattice 404 user not found
}

// Dates are calendar days: a timestamp keeps the day written in it.
func ExampleParseDate() {
	d, err := unified.ParseDate("1990-01-01T00:00:00+01:00")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(d)
	// Output: 1990-01-01
}
