package orgchart

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// SVGOptions adjusts [Chart.WriteSVG] and [Chart.Layout]. The zero value (and nil)
// draws every user with the default colours and a legend.
type SVGOptions struct {
	// Title is drawn above the chart and used as the SVG's <title>.
	Title string
	// MaxDepth limits the levels drawn: users whose [Chart.Depth] is greater are left
	// out, and each drawn manager with hidden reports shows how many ("+12"). 0 draws all
	// levels; 1 draws the roots and their direct reports. Negative values are an error.
	MaxDepth int
	// DepartmentColors overrides department colours, by department ID (or name, for
	// departments without an ID, or by name in general) to "#rgb" or "#rrggbb". Other
	// departments take colours from a fixed palette in department-name order.
	DepartmentColors map[string]string
	// StackLimit is the most boxes drawn in one stacked column (see [Chart.Layout]):
	// small subtrees are stacked under their manager rather than spread side by side, as
	// printed org charts do. 0 chooses automatically. A positive value stacks people
	// without reports and managers of one level whose team fits in a column. A negative
	// value turns stacking off, so that every report is drawn side by side.
	StackLimit int
	// NoLegend leaves out the legend of department colours.
	NoLegend bool
}

// Layout is where [Chart.WriteSVG] draws each box and line, in SVG user units
// (pixels), with the origin at the top left and y growing downwards. Boxes never overlap.
type Layout struct {
	// Width and Height are the size of the drawing, margins included.
	Width, Height float64
	// Boxes holds one box per drawn user, in [Chart.Tree] order.
	Boxes []Box
	// Lines are the connectors from managers to reports: horizontal and vertical
	// segments only.
	Lines []Line
	// Legend holds one entry per department, in department-name order (empty when
	// SVGOptions.NoLegend is set).
	Legend []LegendEntry
}

// Box is one user's box in a [Layout].
type Box struct {
	ID         string
	X, Y, W, H float64
	// Depth is the user's [Chart.Depth].
	Depth int
	// Hidden is the number of the user's reports, direct and indirect, left out by
	// SVGOptions.MaxDepth.
	Hidden int
	// Color is the fill colour, from the user's department.
	Color string
	// Stacked reports whether the box is drawn in a column under its manager rather than
	// side by side with its siblings.
	Stacked bool
}

// Line is one straight connector segment.
type Line struct{ X1, Y1, X2, Y2 float64 }

// LegendEntry is one department in the legend of a chart: its key and name as
// [Chart.HeadcountByDepartment] reports them, its head count, its colour and where its
// swatch is drawn.
type LegendEntry struct {
	Key, Name string
	Count     int
	Color     string
	X, Y      float64
}

// Layout geometry, in pixels.
const (
	boxW       = 184.0 // box width
	boxH       = 48.0  // box height
	gapX       = 16.0  // between sibling subtrees
	gapY       = 40.0  // between a manager's box and its reports' row
	stackGap   = 10.0  // between stacked boxes
	indent     = 18.0  // stacked boxes are indented by this from their connector
	margin     = 20.0
	titleH     = 34.0
	legendItem = 200.0 // legend entry width
	legendRow  = 20.0
	textPad    = 8.0
	nameEm     = 7.2 // estimated advance of a bold 12px character
	titleEm    = 6.2 // estimated advance of an 11px character
)

// stacking says which small subtrees are drawn as stacked, indented columns.
type stacking struct {
	limit int // most boxes per column; 0 turns stacking off
	depth int // most levels below a stacked user
}

// autoStacking lists the stackings tried in turn by the automatic layout, from the
// plainest to the most compact, until the drawing is no more than maxAspect times as
// wide as it is high.
var autoStacking = [...]stacking{{10, 1}, {16, 1}, {16, 2}, {24, 2}, {24, 3}, {40, 3}}

const maxAspect = 3.0

// layouter holds the state of one layout computation.
type layouter struct {
	c      *Chart
	limit  int // levels drawn (MaxDepth), 0 for all
	st     stacking
	vkids  [][]int32
	height []int32   // levels of drawn reports below each user
	size   []int32   // drawn users in each subtree
	w, cx  []float64 // subtree width and box centre offset within it
	roww   []float64 // width of the row of each user's reports
	boxes  []Box
	lines  []Line
}

// slot is one place in a row of siblings: a subtree drawn side by side with the others
// (v >= 0), or a column of stacked small subtrees (v < 0).
type slot struct {
	v     int32
	x, w  float64 // start and width, relative to the row
	items []int32 // the roots of the stacked subtrees of a column
}

// Layout computes where [Chart.WriteSVG] draws each user. It is exposed for custom
// renderers and for checking a drawing; most callers want WriteSVG.
//
// The layout is a layered tree: each user's reports are drawn in a row below it, and
// each subtree gets its own horizontal band, so subtrees never overlap; a manager is
// centred over its reports. Small subtrees are stacked instead of spread out, as printed
// org charts do: people without reports, and small teams (the manager with its reports
// indented below it, as in an outline), are drawn one under another in columns at the
// left of their manager's row, joined by an indented connector. With the default
// SVGOptions.StackLimit the columns start at 10 boxes and only people without reports and
// managers of one level are stacked; when the drawing would be more than three times as
// wide as it is high, longer columns and deeper outlines are used, so that a chart of
// hundreds of people stays a few screens wide. The roots (see [Chart.Roots]) form the
// top row in the same way. Each attempt takes O(n) time; nothing recurses.
func (c *Chart) Layout(opts *SVGOptions) (*Layout, error) {
	var o SVGOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxDepth < 0 {
		return nil, fmt.Errorf("orgchart: SVGOptions.MaxDepth %d: want 0 (no limit) or more: %w", o.MaxDepth, unified.ErrInvalidValue)
	}
	legend, byKey, err := c.departmentColors(o.DepartmentColors)
	if err != nil {
		return nil, err
	}
	switch {
	case o.StackLimit < 0:
		return c.layout(&o, legend, byKey, stacking{}), nil
	case o.StackLimit > 0:
		return c.layout(&o, legend, byKey, stacking{o.StackLimit, 1}), nil
	}
	var out *Layout
	for _, st := range autoStacking {
		out = c.layout(&o, legend, byKey, st)
		if out.Width <= maxAspect*out.Height {
			break
		}
	}
	return out, nil
}

// layout computes one layout with the given stacking.
func (c *Chart) layout(o *SVGOptions, legend []deptColor, byKey map[string]string, st stacking) *Layout {
	n := len(c.users)
	l := &layouter{
		c:      c,
		limit:  o.MaxDepth,
		st:     st,
		vkids:  make([][]int32, n),
		height: make([]int32, n),
		size:   make([]int32, n),
		w:      make([]float64, n),
		cx:     make([]float64, n),
		roww:   make([]float64, n),
		boxes:  make([]Box, n),
	}

	// Drawn users in tree order, and the hidden-report counts.
	order := make([]int32, 0, n)
	c.preorder(func(i int32) bool {
		order = append(order, i)
		return true
	})
	var all []int32
	if l.limit > 0 {
		all = make([]int32, n)
		for k := len(order) - 1; k >= 0; k-- {
			v := order[k]
			all[v]++
			if p := c.treeParent(v); p >= 0 {
				all[p] += all[v]
			}
		}
	}
	visible := order[:0:0]
	for _, v := range order {
		if l.limit > 0 && int(c.depth[v]) > l.limit {
			continue
		}
		visible = append(visible, v)
		if l.limit > 0 && int(c.depth[v]) == l.limit {
			l.boxes[v].Hidden = int(all[v]) - 1
			continue
		}
		l.vkids[v] = c.treeKids(v)
	}

	// Bottom up: the height, size and width of each subtree and where its root's box
	// sits in it.
	for k := len(visible) - 1; k >= 0; k-- {
		v := visible[k]
		l.size[v] = 1
		if len(l.vkids[v]) == 0 {
			l.w[v], l.cx[v] = boxW, boxW/2
			continue
		}
		for _, kid := range l.vkids[v] {
			l.height[v] = max(l.height[v], l.height[kid]+1)
			l.size[v] += l.size[kid]
		}
		slots, rowW := l.plan(l.vkids[v])
		w := max(boxW, rowW)
		off := (w - rowW) / 2
		first, last := l.anchor(slots[0]), l.anchor(slots[len(slots)-1])
		l.w[v], l.roww[v] = w, rowW
		l.cx[v] = min(max(off+(first+last)/2, boxW/2), w-boxW/2)
	}

	_, treeW := l.plan(c.roots)
	width := max(treeW, 3*boxW) + 2*margin
	top := margin
	if o.Title != "" {
		top += titleH
	}
	out := &Layout{Width: width}
	if !o.NoLegend && n > 0 {
		perRow := max(1, int((width-2*margin)/legendItem))
		for k, d := range legend {
			out.Legend = append(out.Legend, LegendEntry{
				Key: d.Key, Name: d.Name, Count: d.Count, Color: d.Color,
				X: margin + float64(k%perRow)*legendItem,
				Y: top + float64(k/perRow)*legendRow,
			})
		}
		top += float64((len(legend)+perRow-1)/perRow)*legendRow + gapY/2
	}

	// Top down: place every box. Subtrees wait on a work list, so there is no recursion.
	type job struct {
		v    int32
		x, y float64 // the subtree's left edge and top
	}
	var work []job
	later := func(v int32, x, y float64) { work = append(work, job{v, x, y}) }
	bottom := l.place(c.roots, margin+(width-2*margin-treeW)/2, top, -1, later)
	for len(work) > 0 {
		j := work[len(work)-1]
		work = work[:len(work)-1]
		off := (l.w[j.v] - l.roww[j.v]) / 2
		bottom = max(bottom, l.place(l.vkids[j.v], j.x+off, j.y+boxH+gapY, j.v, later))
	}
	out.Height = bottom + margin
	out.Boxes = make([]Box, 0, len(visible))
	for _, v := range visible {
		b := l.boxes[v]
		b.ID = c.users[v].ID
		b.W, b.H = boxW, boxH
		b.Depth = int(c.depth[v])
		b.Color = c.colorOf(v, byKey)
		out.Boxes = append(out.Boxes, b)
	}
	out.Lines = l.lines
	return out
}

// stackable reports whether v's subtree is drawn as an outline in a stacked column: it
// has few enough levels and users.
func (l *layouter) stackable(v int32) bool {
	return l.st.limit > 0 && int(l.height[v]) <= l.st.depth && int(l.size[v]) <= l.st.limit
}

// plan lays out a row of siblings: the stacked small subtrees first, in columns, then
// the other subtrees side by side. It returns the slots and the row's width.
func (l *layouter) plan(kids []int32) ([]slot, float64) {
	var slots []slot
	var items []int32
	for _, k := range kids {
		if l.stackable(k) {
			items = append(items, k)
		}
	}
	x := 0.0
	for _, col := range l.columns(items) {
		var levels int32
		for _, it := range col {
			levels = max(levels, l.height[it])
		}
		w := indent*float64(1+levels) + boxW
		slots = append(slots, slot{v: -1, x: x, w: w, items: col})
		x += w + gapX
	}
	for _, k := range kids {
		if !l.stackable(k) {
			slots = append(slots, slot{v: k, x: x, w: l.w[k]})
			x += l.w[k] + gapX
		}
	}
	return slots, x - gapX
}

// columns splits stacked subtrees into columns of at most l.st.limit boxes, balanced so
// that the columns have similar lengths.
func (l *layouter) columns(items []int32) [][]int32 {
	if len(items) == 0 {
		return nil
	}
	fill := func(limit int) [][]int32 {
		var cols [][]int32
		used := 0
		for _, it := range items {
			b := int(l.size[it])
			if len(cols) == 0 || used > 0 && used+b > limit {
				cols = append(cols, nil)
				used = 0
			}
			cols[len(cols)-1] = append(cols[len(cols)-1], it)
			used += b
		}
		return cols
	}
	cols := fill(l.st.limit)
	if len(cols) > 1 {
		total := 0
		for _, it := range items {
			total += int(l.size[it])
		}
		if even := fill((total + len(cols) - 1) / len(cols)); len(even) == len(cols) {
			cols = even
		}
	}
	return cols
}

// anchor is where a slot's connector meets the bus above the row, relative to the row.
func (l *layouter) anchor(s slot) float64 {
	if s.v < 0 {
		return s.x + indent/2
	}
	return s.x + l.cx[s.v]
}

// place puts the boxes of a row of siblings that starts at x and whose top is y, and draws
// the connectors from their manager p (none for the roots, p < 0). Subtrees with reports
// to place are handed to later with their left edge and top. It returns the lowest y it
// drew at.
func (l *layouter) place(kids []int32, x, y float64, p int32, later func(v int32, x, y float64)) float64 {
	slots, _ := l.plan(kids)
	bottom := y
	busY := y - gapY/2
	var lo, hi float64
	if p >= 0 {
		pb := l.boxes[p]
		px := pb.X + boxW/2
		lo, hi = px, px
		l.lines = append(l.lines, Line{px, pb.Y + boxH, px, busY})
	}
	for _, s := range slots {
		sx := x + s.x
		if s.v >= 0 {
			ax := sx + l.cx[s.v]
			l.boxes[s.v].X, l.boxes[s.v].Y = ax-boxW/2, y
			bottom = max(bottom, y+boxH)
			if p >= 0 {
				lo, hi = min(lo, ax), max(hi, ax)
				l.lines = append(l.lines, Line{ax, busY, ax, y})
			}
			if len(l.vkids[s.v]) > 0 {
				later(s.v, sx, y)
			}
			continue
		}
		lx := sx + indent/2
		cy, lastMid := y, y
		for _, it := range s.items {
			lastMid = cy + boxH/2
			if p >= 0 {
				l.lines = append(l.lines, Line{lx, lastMid, sx + indent, lastMid})
			}
			cy = l.outline(it, sx+indent, cy)
		}
		bottom = max(bottom, cy-stackGap)
		if p >= 0 {
			lo, hi = min(lo, lx), max(hi, lx)
			l.lines = append(l.lines, Line{lx, busY, lx, lastMid})
		}
	}
	if p >= 0 && lo < hi {
		l.lines = append(l.lines, Line{lo, busY, hi, busY})
	}
	return bottom
}

// outline draws v's subtree as an indented outline whose first box is at (x, y): each
// user's reports one under another below it, one indent further right, joined by a
// connector that runs down their left. It returns the y below the last box.
func (l *layouter) outline(v int32, x, y float64) float64 {
	type entry struct {
		v     int32
		level int
	}
	stack := []entry{{v, 0}}
	var lastMid []float64      // by level: the middle of the last box drawn at that level
	var top []float64          // by level: the bottom of the box the connector starts from
	flush := func(level int) { // the connector of the box at level-1 to its reports
		if level < len(lastMid) && lastMid[level] > 0 {
			cx := x + float64(level-1)*indent + indent/2
			l.lines = append(l.lines, Line{cx, top[level], cx, lastMid[level]})
			lastMid[level] = 0
		}
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		// Finish the connectors of deeper levels: their reports are all drawn.
		for lv := len(lastMid) - 1; lv > e.level; lv-- {
			flush(lv)
		}
		bx := x + float64(e.level)*indent
		b := &l.boxes[e.v]
		b.X, b.Y, b.Stacked = bx, y, true
		mid := y + boxH/2
		if e.level > 0 {
			l.lines = append(l.lines, Line{bx - indent/2, mid, bx, mid})
			lastMid[e.level] = mid
		}
		if kids := l.vkids[e.v]; len(kids) > 0 {
			for len(lastMid) <= e.level+1 {
				lastMid = append(lastMid, 0)
				top = append(top, 0)
			}
			top[e.level+1] = y + boxH
			for k := len(kids) - 1; k >= 0; k-- {
				stack = append(stack, entry{kids[k], e.level + 1})
			}
		}
		y += boxH + stackGap
	}
	for lv := len(lastMid) - 1; lv > 0; lv-- {
		flush(lv)
	}
	return y
}

// WriteSVG draws the chart as a standalone SVG image: one box per user with name and
// title, filled with the department's colour, orthogonal connectors from managers to
// reports, and a legend of departments. Users with a data problem (see
// [Chart.Problems]) have a dashed red outline, inactive users are faded, and every box
// has a tooltip with the full name, title, department, ID and any problem. Names and
// titles too long for a box are shortened with "…". All text is escaped; the output is
// well-formed XML and the same for the same chart and options. See [Chart.Layout] for
// how the boxes are arranged, and [SVGOptions] for what can be adjusted.
//
// A nil opts means the zero SVGOptions. Invalid options give an error matching
// [unified.ErrInvalidValue] before anything is written.
func (c *Chart) WriteSVG(w io.Writer, opts *SVGOptions) error {
	l, err := c.Layout(opts)
	if err != nil {
		return err
	}
	var o SVGOptions
	if opts != nil {
		o = *opts
	}
	bw := bufio.NewWriter(w)
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="Helvetica, Arial, sans-serif">`+"\n",
		num(l.Width), num(l.Height), num(l.Width), num(l.Height))
	if o.Title != "" {
		fmt.Fprintf(bw, "<title>%s</title>\n", xmlText(cleanText(o.Title)))
	}
	bw.WriteString(`<style>` +
		`.node rect{stroke:#555555;stroke-width:1}` +
		`.node.warn rect{stroke:` + problemColor + `;stroke-width:2;stroke-dasharray:5 3}` +
		`.node.inactive{opacity:0.55}` +
		`.name{font-size:12px;font-weight:bold;fill:#000000}` +
		`.title{font-size:11px;fill:#333333}` +
		`.more{font-size:10px;fill:#333333}` +
		`.links{fill:none;stroke:#888888;stroke-width:1.2}` +
		`.legend text{font-size:11px;fill:#000000}` +
		`.heading{font-size:18px;font-weight:bold}` +
		"</style>\n")
	fmt.Fprintf(bw, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	if o.Title != "" {
		fmt.Fprintf(bw, `<text class="heading" x="%s" y="%s">%s</text>`+"\n", num(margin), num(margin+18), xmlText(cleanText(o.Title)))
	}
	if len(l.Legend) > 0 {
		bw.WriteString(`<g class="legend">` + "\n")
		for _, e := range l.Legend {
			name := e.Name
			if e.Key == "" {
				name = "No department"
			}
			fmt.Fprintf(bw, `<rect x="%s" y="%s" width="14" height="14" rx="2" fill="%s" stroke="#555555"/><text x="%s" y="%s">%s</text>`+"\n",
				num(e.X), num(e.Y), e.Color, num(e.X+20), num(e.Y+11),
				xmlText(fitText(cleanText(name)+" ("+strconv.Itoa(e.Count)+")", legendItem-28, 6.2)))
		}
		bw.WriteString("</g>\n")
	}
	if len(l.Lines) > 0 {
		bw.WriteString(`<path class="links" d="`)
		for k, s := range l.Lines {
			if k > 0 {
				bw.WriteByte(' ')
			}
			fmt.Fprintf(bw, "M%s %sL%s %s", num(s.X1), num(s.Y1), num(s.X2), num(s.Y2))
		}
		bw.WriteString("\"/>\n")
	}
	bw.WriteString(`<g class="nodes">` + "\n")
	for _, b := range l.Boxes {
		i := c.index[b.ID]
		name, title := c.nodeLines(i)
		class := "node"
		if c.hasProblem(i) {
			class += " warn"
		}
		if c.users[i].Status == unified.StatusInactive {
			class += " inactive"
		}
		fmt.Fprintf(bw, `<g class="%s"><title>%s</title>`, class, xmlText(c.tooltip(i)))
		fmt.Fprintf(bw, `<rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s"/>`,
			num(b.X), num(b.Y), num(b.W), num(b.H), b.Color)
		fmt.Fprintf(bw, `<text class="name" x="%s" y="%s">%s</text>`,
			num(b.X+textPad), num(b.Y+20), xmlText(fitText(name, b.W-2*textPad, nameEm)))
		if title != "" {
			avail := b.W - 2*textPad
			if b.Hidden > 0 {
				avail -= 40
			}
			fmt.Fprintf(bw, `<text class="title" x="%s" y="%s">%s</text>`,
				num(b.X+textPad), num(b.Y+37), xmlText(fitText(title, avail, titleEm)))
		}
		if b.Hidden > 0 {
			fmt.Fprintf(bw, `<text class="more" x="%s" y="%s" text-anchor="end">+%d</text>`,
				num(b.X+b.W-textPad), num(b.Y+37), b.Hidden)
		}
		bw.WriteString("</g>\n")
	}
	bw.WriteString("</g>\n</svg>\n")
	return bw.Flush()
}

// tooltip is the full description of user i shown when hovering over its box.
func (c *Chart) tooltip(i int32) string {
	u := &c.users[i]
	parts := []string{cleanText(c.names[i])}
	if t := cleanText(u.Title); t != "" {
		parts = append(parts, t)
	}
	if u.Department != nil {
		if d := cleanText(u.Department.String()); d != "" {
			parts = append(parts, d)
		}
	}
	parts = append(parts, "ID "+cleanText(u.ID))
	if !u.IsActive() {
		parts = append(parts, "status "+u.Status.String())
	}
	f := c.flags[i]
	switch {
	case f&flagOrphan != 0:
		parts = append(parts, "manager not in the directory")
	case f&flagSelf != 0:
		parts = append(parts, "recorded as own manager")
	case f&flagBreak != 0:
		parts = append(parts, "management cycle: reports to "+cleanText(c.names[c.manager[i]]))
	case f&flagCycle != 0:
		parts = append(parts, "management cycle")
	}
	if f&flagInactive != 0 {
		parts = append(parts, "manager is "+c.users[c.manager[i]].Status.String())
	}
	return strings.Join(parts, " · ")
}

// fitText shortens s with "…" so that its estimated width is at most width, given the
// advance em of a narrow character; wide (East Asian) characters count double.
func fitText(s string, width, em float64) string {
	units := int(width / em)
	total := 0
	for _, r := range s {
		total += runeUnits(r)
	}
	if total <= units {
		return s
	}
	var b strings.Builder
	used := 1 // the ellipsis
	for _, r := range s {
		u := runeUnits(r)
		if used+u > units {
			break
		}
		used += u
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

func runeUnits(r rune) int {
	if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 ||
		r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 ||
		r >= 0xffe0 && r <= 0xffe6 || r >= 0x1f300 && r <= 0x1faff || r >= 0x20000 && r <= 0x3fffd) {
		return 2
	}
	return 1
}

// xmlText escapes s for XML character data and attribute values. Characters that XML
// cannot hold are replaced with U+FFFD.
func xmlText(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= utf8.RuneSelf || b == '&' || b == '<' || b == '>' || b == '"' || b == '\'' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
