// Package fakes shows how to test code that reads a directory against the in-process
// fake servers, personiotest and latticetest: start a server, make a client from its
// ClientConfig, run your code, and inject the faults real APIs have (429s, 5xx bursts,
// bodies cut short) to see how your code takes them. The fakes listen on loopback only
// and need no credentials.
//
// Headcount stands for your code; the example and the tests are the part to copy.
package fakes

import (
	"context"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Headcount returns the number of active people per department name ("" for people in
// no department), the kind of figure an analytics product shows.
func Headcount(ctx context.Context, dir unified.Directory) (map[string]int, error) {
	opts := &unified.ListOptions{Filter: unified.Filter{Statuses: []unified.Status{unified.StatusActive}}}
	counts := map[string]int{}
	for u, err := range unified.Users(ctx, dir, opts) {
		if err != nil {
			return nil, err
		}
		dept := ""
		if u.Department != nil {
			dept = u.Department.Name
		}
		counts[dept]++
	}
	return counts, nil
}
