package orgchart_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/hrisconnect/hrisconnect/orgchart"
	"github.com/hrisconnect/hrisconnect/unified"
)

func ExampleBuild() {
	mgr := func(id string) *unified.Ref { return &unified.Ref{ID: id} }
	users := []unified.User{
		{ID: "1", DisplayName: "Ada", Title: "CEO", Status: unified.StatusActive},
		{ID: "2", DisplayName: "Ben", Title: "CTO", Status: unified.StatusActive, Manager: mgr("1")},
		{ID: "3", DisplayName: "Cleo", Title: "Engineer", Status: unified.StatusActive, Manager: mgr("2")},
		{ID: "4", DisplayName: "Dan", Title: "Engineer", Status: unified.StatusActive, Manager: mgr("2")},
		// Bad data: a cycle, a manager who left the directory, an inactive manager.
		{ID: "5", DisplayName: "Eve", Status: unified.StatusActive, Manager: mgr("6")},
		{ID: "6", DisplayName: "Finn", Status: unified.StatusActive, Manager: mgr("5")},
		{ID: "7", DisplayName: "Gus", Status: unified.StatusActive, Manager: &unified.Ref{ID: "99", Name: "Old Boss"}},
		{ID: "8", DisplayName: "Hal", Status: unified.StatusInactive, Manager: mgr("1")},
		{ID: "9", DisplayName: "Ida", Status: unified.StatusLeave, Manager: mgr("8")},
	}
	chart := orgchart.Build(users)
	fmt.Println("roots:", chart.Roots())
	fmt.Println("reports of Ben:", chart.DirectReports("2"), "span", chart.Span("2"))
	fmt.Println("all reports of Ada:", chart.AllReports("1"))
	fmt.Println("Cleo's managers:", chart.ManagerChain("3"), "depth", chart.Depth("3"))
	for _, p := range chart.Problems() {
		fmt.Println(p)
	}
	// Output:
	// roots: [1 5 7]
	// reports of Ben: [3 4] span 2
	// all reports of Ada: [2 8 3 4 9]
	// Cleo's managers: [2 1] depth 2
	// cycle: Eve (5) → Finn (6) → Eve (5); 2 members, drawn with Eve (5) as a root
	// orphan: Gus (7) reports to "Old Boss" (99), who is not in the directory
	// inactive-manager: Ida (9) (status leave) reports to Hal (8), whose status is inactive
}

func ExampleChart_WriteMermaid() {
	users := []unified.User{
		{ID: "1", DisplayName: "Ada Lovelace", Title: "CEO", Department: &unified.Ref{ID: "x", Name: "Exec"}},
		{ID: "2", DisplayName: `Ben "the <Builder>"`, Title: "R&D", Manager: &unified.Ref{ID: "1"}},
	}
	if err := orgchart.Build(users).WriteMermaid(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// flowchart TD
	//     n0["Ada Lovelace<br/>CEO"]
	//     n1["Ben #quot;the #60;Builder#62;#quot;<br/>R#38;D"]
	//     n0 --> n1
	//     classDef dept0 fill:#a6cee3,stroke:#555555,color:#000000
	//     class n0 dept0
	//     classDef dept1 fill:#e0e0e0,stroke:#555555,color:#000000
	//     class n1 dept1
}

func ExampleChart_WriteSVG() {
	users := []unified.User{
		{ID: "1", DisplayName: "Ada Lovelace", Title: "CEO"},
		{ID: "2", DisplayName: "Ben Builder", Title: "CTO", Manager: &unified.Ref{ID: "1"}},
	}
	var svg bytes.Buffer
	err := orgchart.Build(users).WriteSVG(&svg, &orgchart.SVGOptions{Title: "Example Ltd"})
	fmt.Println(err, bytes.HasPrefix(svg.Bytes(), []byte("<?xml")))
	// Output: <nil> true
}
