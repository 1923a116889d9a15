package orgchart

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// departmentPalette holds the fill colours given to departments in name order. They are
// light enough for black text.
var departmentPalette = [...]string{
	"#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffff99",
	"#8dd3c7", "#bebada", "#80b1d3", "#fccde5", "#ccebc5", "#ffed6f",
}

const (
	noDepartmentColor = "#e0e0e0" // users without a department
	problemColor      = "#c62828" // outline of users with a problem
)

// deptColor is one department's entry in a chart legend.
type deptColor struct {
	Headcount
	Color string
}

// departmentColors assigns a colour to each department: the palette in department-name
// order (see [Chart.HeadcountByDepartment]), with overrides by department key or name.
func (c *Chart) departmentColors(overrides map[string]string) ([]deptColor, map[string]string, error) {
	for k, v := range overrides {
		if !isHexColor(v) {
			return nil, nil, fmt.Errorf("orgchart: colour %q for department %q: want #rgb or #rrggbb: %w",
				clip(v), clip(k), unified.ErrInvalidValue)
		}
	}
	counts := c.HeadcountByDepartment()
	legend := make([]deptColor, 0, len(counts))
	byKey := make(map[string]string, len(counts))
	next := 0
	for _, h := range counts {
		col := noDepartmentColor
		if h.Key != "" {
			col = departmentPalette[next%len(departmentPalette)]
			next++
		}
		if o, ok := overrides[h.Key]; ok && h.Key != "" {
			col = o
		} else if o, ok := overrides[h.Name]; ok && h.Name != "" {
			col = o
		}
		col = strings.ToLower(col)
		byKey[h.Key] = col
		legend = append(legend, deptColor{Headcount: h, Color: col})
	}
	return legend, byKey, nil
}

func isHexColor(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// colorOf returns the fill colour of user i.
func (c *Chart) colorOf(i int32, byKey map[string]string) string {
	key, _ := refKey(c.users[i].Department)
	return byKey[key]
}

// hasProblem reports whether user i is flagged by a problem that concerns its place in
// the chart.
func (c *Chart) hasProblem(i int32) bool {
	return c.flags[i]&(flagOrphan|flagSelf|flagCycle|flagInactive) != 0
}

// cleanText makes a name or title safe to show on one line: invalid UTF-8 is replaced,
// line breaks, tabs and other control characters become spaces, and runs of spaces are
// collapsed.
func cleanText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f || b >= utf8.RuneSelf || (b == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nodeLines returns the text lines of user i's box: the name, then the title if any.
func (c *Chart) nodeLines(i int32) (name, title string) {
	name = cleanText(c.names[i])
	if name == "" {
		name = cleanText(c.users[i].ID)
	}
	return name, cleanText(c.users[i].Title)
}

// WriteDOT writes the chart as a Graphviz DOT digraph: one box per user, labelled with
// name and title and filled with the department's colour, and an edge from each manager to
// each report in the trees of the chart. Users with a problem are outlined in red; the
// broken link of each cycle is drawn as a dashed red edge labelled "cycle" that does not
// constrain the layout. Node names are n0, n1, ... in tree order; the user ID is the
// node's tooltip. Labels are escaped for DOT's quoted strings. The output is the same for
// the same chart.
func (c *Chart) WriteDOT(w io.Writer) error {
	_, byKey, err := c.departmentColors(nil)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph orgchart {\n")
	bw.WriteString("\tgraph [rankdir=TB, splines=ortho, nodesep=0.25, ranksep=0.5];\n")
	bw.WriteString("\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n")
	bw.WriteString("\tedge [arrowhead=none, color=\"#666666\", fontname=\"Helvetica\", fontsize=9];\n")
	node := c.nodeNumbers()
	c.preorder(func(i int32) bool {
		name, title := c.nodeLines(i)
		label := dotEscape(name)
		if title != "" {
			label += `\n` + dotEscape(title)
		}
		fmt.Fprintf(bw, "\tn%d [label=\"%s\", tooltip=\"%s\", fillcolor=\"%s\"", node[i], label,
			dotEscape(cleanText(c.users[i].ID)), c.colorOf(i, byKey))
		if c.hasProblem(i) {
			fmt.Fprintf(bw, ", color=\"%s\", penwidth=2", problemColor)
		}
		bw.WriteString("];\n")
		return true
	})
	c.preorder(func(i int32) bool {
		m := c.manager[i]
		switch {
		case m < 0:
		case c.flags[i]&flagBreak != 0:
			fmt.Fprintf(bw, "\tn%d -> n%d [style=dashed, color=\"%s\", constraint=false, xlabel=\"cycle\"];\n",
				node[m], node[i], problemColor)
		default:
			fmt.Fprintf(bw, "\tn%d -> n%d;\n", node[m], node[i])
		}
		return true
	})
	bw.WriteString("}\n")
	return bw.Flush()
}

// nodeNumbers numbers the users in tree order, for node names in DOT and Mermaid.
func (c *Chart) nodeNumbers() []int32 {
	num := make([]int32, len(c.users))
	var next int32
	c.preorder(func(i int32) bool {
		num[i] = next
		next++
		return true
	})
	return num
}

// dotEscape escapes s for a DOT double-quoted string: backslashes and quotes. s must be
// free of line breaks (see cleanText).
func dotEscape(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WriteMermaid writes the chart as a Mermaid flowchart (top-down): one node per user,
// labelled with name and title, one class per department with its colour, the links of
// the trees as arrows from manager to report, and each cycle's broken link as a dotted
// arrow labelled "cycle". Users with a problem get the class "problem" (red outline).
// Node IDs are n0, n1, ... in tree order. Labels are quoted, and the characters that
// Mermaid would otherwise interpret (" < > & # `) are written as Mermaid entity codes.
// The output is the same for the same chart.
//
// Mermaid renderers limit the size of a diagram (about 50 000 characters by default); for
// large directories use [Chart.WriteSVG].
func (c *Chart) WriteMermaid(w io.Writer) error {
	legend, byKey, err := c.departmentColors(nil)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("flowchart TD\n")
	node := c.nodeNumbers()
	classOf := make(map[string]int, len(legend))
	for k, d := range legend {
		classOf[d.Key] = k
	}
	members := make([][]int32, len(legend))
	var problems []int32
	c.preorder(func(i int32) bool {
		name, title := c.nodeLines(i)
		label := mermaidEscape(name)
		if title != "" {
			label += "<br/>" + mermaidEscape(title)
		}
		fmt.Fprintf(bw, "    n%d[\"%s\"]\n", node[i], label)
		key, _ := refKey(c.users[i].Department)
		k := classOf[key]
		members[k] = append(members[k], node[i])
		if c.hasProblem(i) {
			problems = append(problems, node[i])
		}
		return true
	})
	c.preorder(func(i int32) bool {
		m := c.manager[i]
		switch {
		case m < 0:
		case c.flags[i]&flagBreak != 0:
			fmt.Fprintf(bw, "    n%d -.->|cycle| n%d\n", node[m], node[i])
		default:
			fmt.Fprintf(bw, "    n%d --> n%d\n", node[m], node[i])
		}
		return true
	})
	for k, d := range legend {
		fmt.Fprintf(bw, "    classDef dept%d fill:%s,stroke:#555555,color:#000000\n", k, byKey[d.Key])
		writeMermaidClass(bw, members[k], "dept"+strconv.Itoa(k))
	}
	if len(problems) > 0 {
		fmt.Fprintf(bw, "    classDef problem stroke:%s,stroke-width:3px\n", problemColor)
		writeMermaidClass(bw, problems, "problem")
	}
	return bw.Flush()
}

func writeMermaidClass(bw *bufio.Writer, nodes []int32, class string) {
	if len(nodes) == 0 {
		return
	}
	bw.WriteString("    class ")
	for k, n := range nodes {
		if k > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('n')
		bw.WriteString(strconv.Itoa(int(n)))
	}
	bw.WriteString(" " + class + "\n")
}

// mermaidEscape writes the characters Mermaid interprets inside a quoted label as entity
// codes. s must be free of line breaks (see cleanText).
func mermaidEscape(s string) string {
	if !strings.ContainsAny(s, "\"<>&#`") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '<':
			b.WriteString("#60;")
		case '>':
			b.WriteString("#62;")
		case '&':
			b.WriteString("#38;")
		case '#':
			b.WriteString("#35;")
		case '`':
			b.WriteString("#96;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
