// Package orgchart builds the management structure of a directory and draws it.
//
// [Build] turns a list of [unified.User] values (from any provider, or from a snapshot)
// into a [Chart]: who reports to whom ([Chart.DirectReports], [Chart.AllReports],
// [Chart.ManagerChain]), how deep the hierarchy is ([Chart.Depth], [Chart.MaxDepth]),
// spans of control ([Chart.Span]), head counts by department and team, and what is wrong
// with the reporting lines ([Chart.Problems]: management cycles, managers missing from the
// directory, self-managers, inactive managers, duplicate and missing IDs). Building never
// fails and never loops: bad data is reported, and every user still gets a place in
// exactly one tree.
//
// A chart renders itself as Graphviz DOT ([Chart.WriteDOT]), Mermaid
// ([Chart.WriteMermaid]) or a self-contained SVG drawing ([Chart.WriteSVG]), laid out in
// Go with no external tool; [Chart.Layout] exposes the SVG geometry for other renderers.
//
//	users, err := unified.All(ctx, dir, nil)
//	if err != nil { ... }
//	chart := orgchart.Build(users)
//	for _, p := range chart.Problems() {
//		log.Print(p)
//	}
//	err = chart.WriteSVG(w, &orgchart.SVGOptions{Title: "Example Ltd"})
//
// The package imports no provider: it works on [unified.User] values alone.
package orgchart
