package orgchart_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/orgchart"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestWriteSVGGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	c := orgchart.Build(synthFixture())
	if err := c.WriteSVG(&buf, &orgchart.SVGOptions{Title: `Fixture & "friends" <org>`}); err != nil {
		t.Fatal(err)
	}
	texts := synthParseSVG(t, buf.Bytes())
	// Text is escaped once, not twice: the parsed text is the original.
	for _, want := range []string{"Björn <Bear> Ström", `Engineer #1 "backend"`, "Zoë O'Brien", `Fixture & "friends" <org>`, "Staff Engineer Platform"} {
		if !slices.Contains(texts, want) {
			t.Errorf("SVG text %q not found in %q", want, texts)
		}
	}
	synthGolden(t, "orgchart.svg.golden", buf.Bytes())
}

// synthParseSVG parses an SVG document strictly and returns its text nodes.
func synthParseSVG(t *testing.T, doc []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var texts []string
	depth, elems := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && (tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element %v, want svg", tok.Name)
			}
			depth++
			elems++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" && depth > 0 {
				texts = append(texts, s)
			}
		}
	}
	if depth != 0 || elems == 0 {
		t.Fatalf("SVG is unbalanced (depth %d, %d elements)", depth, elems)
	}
	return texts
}

func TestWriteSVGHostileText(t *testing.T) {
	t.Parallel()
	evil := []string{"<script>alert(1)</script>", "]]><x>", "a\x00b\x01c\x1fd", "bad \xff\xfe utf8", `"quotes' & amps`, "\u2028line\u2029sep", "🙂 emoji 👩‍💻"}
	var users []unified.User
	for i, s := range evil {
		users = append(users, unified.User{ID: s + string(rune('a'+i)), DisplayName: s, Title: s,
			Department: &unified.Ref{ID: s, Name: s}, Manager: &unified.Ref{ID: "missing " + s}})
	}
	var buf bytes.Buffer
	c := orgchart.Build(users)
	if err := c.WriteSVG(&buf, &orgchart.SVGOptions{Title: evil[0]}); err != nil {
		t.Fatal(err)
	}
	texts := synthParseSVG(t, buf.Bytes())
	if !slices.Contains(texts, "<script>alert(1)</script>") {
		t.Errorf("escaped text does not round-trip: %q", texts)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Error("raw <script in the SVG")
	}
}

// synthOverlap reports whether two boxes share any interior point.
func synthOverlap(a, b orgchart.Box) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// synthCheckLayout checks that a layout is drawable: every chart user (down to maxDepth)
// has exactly one box, no two boxes overlap, everything lies on the canvas, reports are
// below their managers, and connectors are straight and cross no box.
func synthCheckLayout(t *testing.T, c *orgchart.Chart, l *orgchart.Layout, maxDepth int) {
	t.Helper()
	want := 0
	for _, d := range c.Tree() {
		if maxDepth == 0 || d <= maxDepth {
			want++
		}
	}
	if len(l.Boxes) != want {
		t.Errorf("%d boxes, want %d", len(l.Boxes), want)
	}
	at := map[string]orgchart.Box{}
	for _, b := range l.Boxes {
		if _, dup := at[b.ID]; dup {
			t.Errorf("user %q has two boxes", b.ID)
		}
		at[b.ID] = b
		if b.X < 0 || b.Y < 0 || b.X+b.W > l.Width || b.Y+b.H > l.Height {
			t.Errorf("box %q (%v,%v) lies outside the %vx%v canvas", b.ID, b.X, b.Y, l.Width, l.Height)
		}
		if b.Depth != c.Depth(b.ID) {
			t.Errorf("box %q depth %d, chart %d", b.ID, b.Depth, c.Depth(b.ID))
		}
	}
	// Sweep by X: only boxes whose X ranges meet are compared.
	boxes := slices.Clone(l.Boxes)
	slices.SortFunc(boxes, func(a, b orgchart.Box) int {
		switch {
		case a.X < b.X:
			return -1
		case a.X > b.X:
			return 1
		}
		return 0
	})
	overlaps := 0
	for i := range boxes {
		for j := i + 1; j < len(boxes) && boxes[j].X < boxes[i].X+boxes[i].W; j++ {
			if synthOverlap(boxes[i], boxes[j]) {
				overlaps++
				if overlaps <= 5 {
					t.Errorf("boxes %q and %q overlap: %+v %+v", boxes[i].ID, boxes[j].ID, boxes[i], boxes[j])
				}
			}
		}
	}
	for _, b := range l.Boxes {
		if b.Depth == 0 {
			continue
		}
		m, _ := c.Manager(b.ID)
		mb, ok := at[m]
		if !ok || mb.Y+mb.H > b.Y {
			t.Errorf("box %q (y %v) is not below its manager %q (y %v)", b.ID, b.Y, m, mb.Y)
		}
	}
	for _, s := range l.Lines {
		if s.X1 != s.X2 && s.Y1 != s.Y2 {
			t.Errorf("connector %+v is not horizontal or vertical", s)
			continue
		}
		// A connector may touch a box's edge but not enter it.
		const eps = 0.5
		lx0, lx1 := min(s.X1, s.X2), max(s.X1, s.X2)
		ly0, ly1 := min(s.Y1, s.Y2), max(s.Y1, s.Y2)
		for _, b := range l.Boxes {
			if lx0 < b.X+b.W-eps && lx1 > b.X+eps && ly0 < b.Y+b.H-eps && ly1 > b.Y+eps {
				t.Errorf("connector %+v crosses box %q %+v", s, b.ID, b)
				break
			}
		}
	}
}

func TestLayoutCompany(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		co   synth.Options
		opts orgchart.SVGOptions
	}{
		{"500 people", synth.Options{N: 500, Seed: 31}, orgchart.SVGOptions{}},
		{"500 people with problems", synth.Options{N: 500, Seed: 32, Cycles: []int{3}, ManagerCycles: []int{2}, Orphans: 4, SelfManagers: 2}, orgchart.SVGOptions{Title: "x"}},
		{"500 people, no stacking", synth.Options{N: 500, Seed: 31}, orgchart.SVGOptions{StackLimit: -1}},
		{"500 people, stacks of 3", synth.Options{N: 500, Seed: 33}, orgchart.SVGOptions{StackLimit: 3}},
		{"2000 people, depth 2", synth.Options{N: 2000, Seed: 34}, orgchart.SVGOptions{MaxDepth: 2}},
		{"tiny", synth.Options{N: 3, Seed: 35}, orgchart.SVGOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := orgchart.Build(synth.Generate(tt.co).Users)
			l, err := c.Layout(&tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			synthCheckLayout(t, c, l, tt.opts.MaxDepth)
			if tt.opts.MaxDepth > 0 {
				for _, b := range l.Boxes {
					want := 0
					if b.Depth == tt.opts.MaxDepth {
						want = len(c.AllReports(b.ID))
					}
					if b.Hidden != want {
						t.Errorf("box %q: Hidden %d, want %d", b.ID, b.Hidden, want)
					}
				}
			}
		})
	}
}

func TestLayoutStackingKeepsChartNarrow(t *testing.T) {
	t.Parallel()
	c := orgchart.Build(synth.Generate(synth.Options{N: 500, Seed: 31}).Users)
	stacked, err := c.Layout(nil)
	if err != nil {
		t.Fatal(err)
	}
	flat, err := c.Layout(&orgchart.SVGOptions{StackLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Side by side, every person without reports takes a column of their own.
	if stacked.Width*3 > flat.Width {
		t.Errorf("stacked chart is %v wide, flat %v: want at most a third", stacked.Width, flat.Width)
	}
	// The automatic layout keeps the drawing at most three times as wide as high.
	if stacked.Width > 3*stacked.Height {
		t.Errorf("chart of 500 is %vx%v", stacked.Width, stacked.Height)
	}
	n := 0
	for _, b := range stacked.Boxes {
		if b.Stacked {
			n++
		}
	}
	if n < len(stacked.Boxes)/2 {
		t.Errorf("only %d of %d boxes stacked", n, len(stacked.Boxes))
	}
	t.Logf("500 people: %vx%v stacked, %vx%v flat", stacked.Width, stacked.Height, flat.Width, flat.Height)
}

func TestLayoutParentCentred(t *testing.T) {
	t.Parallel()
	// A manager with three managers below it, each with one report: the top manager
	// is centred over its three reports.
	users := synthPeople("top", "a:top", "b:top", "c:top", "a1:a", "b1:b", "c1:c")
	c := orgchart.Build(users)
	l, err := c.Layout(&orgchart.SVGOptions{NoLegend: true, StackLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]orgchart.Box{}
	for _, b := range l.Boxes {
		at[b.ID] = b
	}
	centre := func(id string) float64 { return at[id].X + at[id].W/2 }
	if got, want := centre("top"), (centre("a")+centre("c"))/2; got != want {
		t.Errorf("top centred at %v, want %v (between a and c)", got, want)
	}
	if centre("b") != centre("top") {
		t.Errorf("middle report at %v, top at %v", centre("b"), centre("top"))
	}
	if !(at["a"].X < at["b"].X && at["b"].X < at["c"].X) {
		t.Errorf("reports not in name order left to right")
	}
	synthCheckLayout(t, c, l, 0)
}

func TestLayoutLongChain(t *testing.T) {
	t.Parallel()
	c := orgchart.Build(synth.Chain(20_000, true))
	l, err := c.Layout(&orgchart.SVGOptions{NoLegend: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Boxes) != 20_000 {
		t.Fatalf("%d boxes", len(l.Boxes))
	}
	var prev float64 = -1
	for _, b := range l.Boxes { // tree order is the chain order here
		if b.Y <= prev {
			t.Fatalf("box %q at y %v not below %v", b.ID, b.Y, prev)
		}
		prev = b.Y
	}
}

func TestSVGOptionsErrors(t *testing.T) {
	t.Parallel()
	c := orgchart.Build(synthFixture())
	tests := []struct {
		name string
		opts orgchart.SVGOptions
	}{
		{"negative depth", orgchart.SVGOptions{MaxDepth: -1}},
		{"colour name", orgchart.SVGOptions{DepartmentColors: map[string]string{"d-eng": "red"}}},
		{"short hex", orgchart.SVGOptions{DepartmentColors: map[string]string{"d-eng": "#12345"}}},
		{"injection", orgchart.SVGOptions{DepartmentColors: map[string]string{"d-eng": `#fff" onload="x`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := c.WriteSVG(&buf, &tt.opts)
			if !errors.Is(err, unified.ErrInvalidValue) {
				t.Errorf("WriteSVG error = %v, want ErrInvalidValue", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestSVGDepartmentColors(t *testing.T) {
	t.Parallel()
	c := orgchart.Build(synthFixture())
	l, err := c.Layout(&orgchart.SVGOptions{DepartmentColors: map[string]string{
		"d-eng":        "#ABCDEF", // by ID
		`Sales "EMEA"`: "#123",    // by name
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"u02": "#abcdef", "u08": "#123", "u11": "#e0e0e0"}
	for _, b := range l.Boxes {
		if w, ok := want[b.ID]; ok && b.Color != w {
			t.Errorf("%s: colour %s, want %s", b.ID, b.Color, w)
		}
	}
	names := []string{}
	for _, e := range l.Legend {
		names = append(names, e.Name)
	}
	if !slices.Equal(names, []string{"Engineering & Research", "Executive", `Sales "EMEA"`, ""}) {
		t.Errorf("legend = %q", names)
	}
	l2, err := c.Layout(&orgchart.SVGOptions{NoLegend: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(l2.Legend) != 0 || l2.Height >= l.Height {
		t.Errorf("NoLegend: %d entries, height %v (with legend %v)", len(l2.Legend), l2.Height, l.Height)
	}
}

func TestWriteSVGEmptyChart(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := orgchart.Build(nil).WriteSVG(&buf, nil); err != nil {
		t.Fatal(err)
	}
	synthParseSVG(t, buf.Bytes())
}
