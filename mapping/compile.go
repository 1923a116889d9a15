package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Option configures [Compile].
type Option func(*config) error

type config struct {
	transforms map[string]func(args map[string]any) (TransformFunc, error)
	strict     bool
}

// WithTransform registers a transform of your own under name, for this Compile call only
// (there is no global registry). It takes no arguments: a spec that gives it some fails to
// compile. Built-in names cannot be replaced.
func WithTransform(name string, f TransformFunc) Option {
	return func(c *config) error {
		if f == nil {
			return fmt.Errorf("transform %q: nil function", name)
		}
		return c.register(name, func(args map[string]any) (TransformFunc, error) {
			if len(args) > 0 {
				return nil, fmt.Errorf("%s takes no arguments", name)
			}
			return f, nil
		})
	}
}

// WithTransformFactory registers a transform of your own that takes arguments: build is
// called once per use in the spec, at Compile time, with the use's args (JSON-shaped
// values), and returns the function to run, or an error that fails Compile.
func WithTransformFactory(name string, build func(args map[string]any) (TransformFunc, error)) Option {
	return func(c *config) error {
		if build == nil {
			return fmt.Errorf("transform %q: nil factory", name)
		}
		return c.register(name, build)
	}
}

func (c *config) register(name string, build func(map[string]any) (TransformFunc, error)) error {
	if name == "" || strings.TrimSpace(name) != name {
		return fmt.Errorf("transform name %q: want a non-empty name without surrounding space", name)
	}
	if slices.Contains(builtinNames(), name) {
		return fmt.Errorf("transform %q: cannot replace a built-in transform", name)
	}
	if _, dup := c.transforms[name]; dup {
		return fmt.Errorf("transform %q registered twice", name)
	}
	if c.transforms == nil {
		c.transforms = map[string]func(map[string]any) (TransformFunc, error){}
	}
	c.transforms[name] = build
	return nil
}

// WithStrict sets whether a source that the catalog does not know fails Compile (true, the
// default) or is read by its name as written, as a key (false). A lenient mapper suits
// catalogs that are known to be incomplete; [Check] then reports such attributes as not in
// the catalog.
func WithStrict(strict bool) Option {
	return func(c *config) error {
		c.strict = strict
		return nil
	}
}

// Mapper applies a compiled [Spec] to records. It is immutable and safe for concurrent
// use by any number of goroutines.
type Mapper struct {
	provider string
	advice   Advice
	output   string
	fields   []compiledField
	keys     []string // sorted source keys, conditions included
	stored   int      // fields that are not filter-only
	userErr  error    // why ApplyUser cannot be used, if it cannot
}

// compiledField is one field, ready to run.
type compiledField struct {
	target     string
	path       string
	primary    chain
	fallback   []chain
	def        *Value
	required   bool
	filterOnly bool
	when       *compiledCond
	user       userTarget // for Output "user"
	label      string     // custom attribute label
	customHint int        // size hint for User.Custom
	direct     string     // the source key of a field that is a plain copy of it, else ""
}

// chain is a list of sources and the transforms that turn them into one value.
type chain struct {
	attrs    []Attribute // resolved sources, one per key
	keys     []string
	srcLabel string // the sources, for errors
	gather   gatherKind
	combine  compiledStep   // the first transform, when it combines the sources
	steps    []compiledStep // the transforms that run on the one value
	names    []string       // transform names, for introspection
}

type compiledCond struct {
	attr   Attribute
	in     bool // true: In; false: NotIn
	values []string
}

// CompiledField describes one field of a [Mapper], after sources were resolved and
// wildcards expanded.
type CompiledField struct {
	// Target is the field's target ("title", "custom.dynamic_24407").
	Target string
	// Path is the field's JSON path in the spec ("fields[3]"); fields expanded from one
	// wildcard share it.
	Path string
	// Sources are the resolved source attributes, primary sources first, then those of
	// the fallbacks.
	Sources []Attribute
	// Transforms names the primary chain's transforms.
	Transforms []string
	// Condition is the attribute a When condition reads, or nil.
	Condition *Attribute
	// Required, FilterOnly and HasDefault repeat the spec.
	Required   bool
	FilterOnly bool
	HasDefault bool
}

// Compile resolves the sources of spec against cat (labels to keys, custom.* wildcards to
// the catalog's available custom attributes), checks and builds every transform, and
// returns a Mapper. All the work that does not depend on a record happens here, once.
//
// cat may be nil: sources are then keys as written and wildcards are an error. Errors
// are [*SpecError] values naming the field's JSON path; they match [ErrInvalidSpec], and
// [ErrUnknownAttribute] for an unknown source.
func Compile(spec *Spec, cat *Catalog, opts ...Option) (*Mapper, error) {
	if spec == nil {
		return nil, specErr("", "nil spec")
	}
	cfg := config{strict: true}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, &SpecError{Err: err}
		}
	}
	if spec.Version != 0 && spec.Version != SpecVersion {
		return nil, specErr("version", "unsupported version %d (want %d)", spec.Version, SpecVersion)
	}
	out := spec.output()
	if out != OutputUser && out != OutputRecord {
		return nil, specErr("output", "want %q or %q, got %q", OutputUser, OutputRecord, clip(out))
	}
	if cat != nil {
		cat = cat.indexed()
	}
	m := &Mapper{output: out}
	if cat != nil {
		m.provider, m.advice = cat.Provider, cat.Advice
	}
	if out != OutputUser {
		m.userErr = fmt.Errorf("mapping: ApplyUser needs a spec with output %q, this one has %q: use Apply: %w", OutputUser, out, ErrInvalidSpec)
	}
	c := compiler{cfg: &cfg, cat: cat, output: out}
	fields := spec.Effective()

	// Explicit targets first, so that a wildcard skips them and duplicates are caught.
	explicit := map[string]string{}
	for i, f := range fields {
		path := fmt.Sprintf("fields[%d]", i)
		if isWildcard(f.Target) {
			continue
		}
		if prev, dup := explicit[f.Target]; dup {
			return nil, specErr(path+".target", "duplicate target %q (also %s)", f.Target, prev)
		}
		explicit[f.Target] = path
	}
	wildcards := 0
	for i, f := range fields {
		path := fmt.Sprintf("fields[%d]", i)
		if err := checkField(path, &f, out); err != nil {
			return nil, err
		}
		if isWildcard(f.Target) {
			if wildcards++; wildcards > 1 {
				return nil, specErr(path+".target", "only one custom.* field is allowed")
			}
			expanded, err := c.expand(path, &f, explicit)
			if err != nil {
				return nil, err
			}
			m.fields = append(m.fields, expanded...)
			continue
		}
		cf, err := c.field(path, &f, f.Target, nil)
		if err != nil {
			return nil, err
		}
		m.fields = append(m.fields, cf)
	}

	custom := 0
	keys := map[string]bool{}
	for i := range m.fields {
		f := &m.fields[i]
		if f.user.kind == tkCustom {
			custom++
		}
		if !f.filterOnly {
			m.stored++
		}
		for _, ch := range f.chains() {
			for _, k := range ch.keys {
				keys[k] = true
			}
		}
		if f.when != nil {
			keys[f.when.attr.Key] = true
		}
	}
	for i := range m.fields {
		f := &m.fields[i]
		f.customHint = custom
		if p := &f.primary; p.gather == gatherFirst && len(p.keys) == 1 && len(p.steps) == 0 &&
			len(f.fallback) == 0 && f.def == nil && !f.required && !f.filterOnly && f.when == nil {
			f.direct = p.keys[0]
		}
	}
	m.keys = sortedKeys(keys)
	return m, nil
}

type compiler struct {
	cfg    *config
	cat    *Catalog
	output string
}

// expand turns a custom.* field into one field per matching custom attribute.
func (c *compiler) expand(path string, f *Field, explicit map[string]string) ([]compiledField, error) {
	if c.cat == nil {
		return nil, specErr(path+".target", "custom.* needs a catalog to expand over")
	}
	// The transforms are built once, and checked even when no attribute matches.
	template, err := c.chain(path, nil, f.Transforms)
	if err != nil {
		return nil, err
	}
	pattern := f.Sources[0]
	var out []compiledField
	for _, a := range c.cat.Attributes {
		if !a.Custom || !a.Available || !globMatch(pattern, a.Key) {
			continue
		}
		target := "custom." + a.Key
		if _, taken := explicit[target]; taken {
			continue
		}
		ch := template
		ch.keys, ch.attrs, ch.srcLabel = []string{a.Key}, []Attribute{a.clone()}, a.Key
		cf, err := c.field(path, f, target, &ch)
		if err != nil {
			return nil, err
		}
		out = append(out, cf)
	}
	return out, nil
}

// field compiles one field for target. primary, if not nil, is its primary chain, already
// built; else it is built from f.
func (c *compiler) field(path string, f *Field, target string, primary *chain) (compiledField, error) {
	cf := compiledField{
		target:     target,
		path:       path,
		required:   f.Required,
		filterOnly: f.FilterOnly,
	}
	if f.Default != nil {
		// A copy: the mapper must not change when the spec's value does.
		d := *f.Default
		d.List = slices.Clone(d.List)
		cf.def = &d
	}
	if c.output == OutputUser {
		cf.user, _ = parseUserTarget(target) // checked by checkField
	}
	if primary != nil {
		cf.primary = *primary
	} else {
		var err error
		if cf.primary, err = c.chain(path, f.Sources, f.Transforms); err != nil {
			return cf, err
		}
	}
	for i, alt := range f.Fallback {
		ch, err := c.chain(fmt.Sprintf("%s.fallback[%d]", path, i), alt.Sources, alt.Transforms)
		if err != nil {
			return cf, err
		}
		cf.fallback = append(cf.fallback, ch)
	}
	if cf.user.kind == tkCustom && len(cf.primary.attrs) > 0 {
		cf.label = cf.primary.attrs[0].Label()
	}
	if w := f.When; w != nil {
		a, err := c.resolve(path+".when.source", w.Source)
		if err != nil {
			return cf, err
		}
		cond := &compiledCond{attr: a, in: len(w.In) > 0, values: slices.Clone(w.In)}
		if !cond.in {
			cond.values = slices.Clone(w.NotIn)
		}
		cf.when = cond
	}
	return cf, nil
}

// chain resolves sources and builds transforms. path is the JSON path of the object that
// holds "sources" and "transforms".
func (c *compiler) chain(path string, sources []string, transforms []Transform) (chain, error) {
	var ch chain
	steps := make([]compiledStep, 0, len(transforms))
	for j, t := range transforms {
		st, err := compileStep(fmt.Sprintf("%s.transforms[%d]", path, j), t, c.cfg)
		if err != nil {
			return ch, err
		}
		steps = append(steps, st)
		ch.names = append(ch.names, t.Name)
	}
	if len(steps) > 0 && steps[0].gather != gatherFirst {
		ch.gather, ch.combine = steps[0].gather, steps[0]
		steps = steps[1:]
	}
	ch.steps = steps
	if ch.gather == gatherRef && len(sources) > len(ch.combine.parts) {
		return ch, specErr(path+".sources", "ref fills %d parts but the field has %d sources", len(ch.combine.parts), len(sources))
	}
	for j, s := range sources {
		a, err := c.resolve(fmt.Sprintf("%s.sources[%d]", path, j), s)
		if err != nil {
			return ch, err
		}
		// "The first non-empty of" the same attribute twice is that attribute once; a
		// combining transform gets every source at its position.
		if ch.gather == gatherFirst && slices.Contains(ch.keys, a.Key) {
			continue
		}
		ch.keys = append(ch.keys, a.Key)
		ch.attrs = append(ch.attrs, a)
	}
	sep := " or "
	if ch.gather != gatherFirst {
		sep = "+"
	}
	ch.srcLabel = strings.Join(ch.keys, sep)
	return ch, nil
}

// resolve finds a source in the catalog; without a catalog, or for an unknown name in a
// lenient compile, the name is taken as a key.
func (c *compiler) resolve(path, name string) (Attribute, error) {
	if c.cat == nil {
		return Attribute{Key: name}, nil
	}
	a, err := c.cat.Resolve(name)
	if err == nil {
		return a, nil
	}
	if !c.cfg.strict && errors.Is(err, ErrUnknownAttribute) {
		return Attribute{Key: name}, nil
	}
	return Attribute{}, &SpecError{Path: path, Err: err}
}

// compileStep builds one transform. With cfg nil (LoadSpec), names that are not built in
// are accepted unchecked, since transforms are registered at Compile time.
func compileStep(path string, t Transform, cfg *config) (compiledStep, error) {
	if t.Name == "" {
		return compiledStep{}, specErr(path+".name", "missing transform name")
	}
	a := &argSet{path: path, name: t.Name, m: t.Args}
	st, ok, err := buildBuiltin(a)
	if ok || err != nil {
		return st, err
	}
	if cfg == nil {
		return compiledStep{}, nil
	}
	build, ok := cfg.transforms[t.Name]
	if !ok {
		return compiledStep{}, specErr(path+".name", "unknown transform %q (built in: %s; others must be registered with WithTransform)",
			clip(t.Name), strings.Join(builtinNames(), ", "))
	}
	f, err := build(t.Args)
	if err != nil {
		return compiledStep{}, specErr(path+".args", "%s: %v", t.Name, err)
	}
	if f == nil {
		return compiledStep{}, specErr(path, "transform %q: factory returned no function", t.Name)
	}
	return compiledStep{op: opUser, name: t.Name, gather: gatherUser, user: f}, nil
}

// checkField checks a field's shape and target: what can be checked without a catalog
// and without building transforms.
func checkField(path string, f *Field, output string) error {
	if f.Target == "" {
		return specErr(path+".target", "missing target")
	}
	wild := isWildcard(f.Target)
	if output == OutputUser && !wild {
		if _, ok := parseUserTarget(f.Target); !ok {
			return specErr(path+".target", "unknown unified.User target %q%s", clip(f.Target), suggestTarget(f.Target))
		}
	}
	if wild {
		if len(f.Sources) != 1 {
			return specErr(path+".sources", "custom.* takes exactly one source key pattern, such as \"dynamic_*\"")
		}
		if len(f.Fallback) > 0 {
			return specErr(path+".fallback", "custom.* takes no fallback")
		}
	}
	if len(f.Sources) == 0 && f.Default == nil {
		return specErr(path, `want "source" or "sources" (or a "default" for a constant field)`)
	}
	if f.Default != nil && f.Default.IsEmpty() {
		return specErr(path+".default", "want a non-empty default")
	}
	if err := checkSources(path, f.Sources, wild); err != nil {
		return err
	}
	for i, alt := range f.Fallback {
		p := fmt.Sprintf("%s.fallback[%d]", path, i)
		if len(alt.Sources) == 0 {
			return specErr(p, `want "source" or "sources"`)
		}
		if err := checkSources(p, alt.Sources, false); err != nil {
			return err
		}
	}
	if w := f.When; w != nil {
		if w.Source == "" {
			return specErr(path+".when.source", "missing source")
		}
		if (len(w.In) > 0) == (len(w.NotIn) > 0) {
			return specErr(path+".when", `want exactly one of "in" and "not_in", non-empty`)
		}
	}
	return nil
}

// checkTransforms checks the arguments of a field's built-in transforms; names that are
// not built in pass, since transforms of your own are registered at Compile time.
func checkTransforms(path string, f *Field) error {
	check := func(p string, ts []Transform) error {
		for j, t := range ts {
			if _, err := compileStep(fmt.Sprintf("%s.transforms[%d]", p, j), t, nil); err != nil {
				return err
			}
		}
		return nil
	}
	if err := check(path, f.Transforms); err != nil {
		return err
	}
	for i, alt := range f.Fallback {
		if err := check(fmt.Sprintf("%s.fallback[%d]", path, i), alt.Transforms); err != nil {
			return err
		}
	}
	return nil
}

func checkSources(path string, sources []string, wild bool) error {
	for j, s := range sources {
		p := fmt.Sprintf("%s.sources[%d]", path, j)
		if strings.TrimSpace(s) == "" {
			return specErr(p, "empty source")
		}
		if !wild && strings.Contains(s, "*") {
			return specErr(p, "a source pattern with '*' needs the target custom.*")
		}
	}
	return nil
}

// suggestTarget returns `; did you mean "x"?` for the closest fixed User target.
func suggestTarget(t string) string {
	best, bestD := "", 3
	for _, n := range userTargetNames() {
		if d := editDistance(strings.ToLower(t), n, bestD); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return " (see the package documentation for the list)"
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func (f *compiledField) chains() []*chain {
	out := make([]*chain, 0, 1+len(f.fallback))
	out = append(out, &f.primary)
	for i := range f.fallback {
		out = append(out, &f.fallback[i])
	}
	return out
}

// Provider returns the provider of the catalog the mapper was compiled with.
func (m *Mapper) Provider() string { return m.provider }

// Output returns OutputUser or OutputRecord.
func (m *Mapper) Output() string { return m.output }

// SourceKeys returns the sorted stable keys of every attribute the mapper reads (sources,
// fallbacks and conditions): what an adapter asks the API for (a projection such as an
// attributes[] query parameter).
func (m *Mapper) SourceKeys() []string { return slices.Clone(m.keys) }

// Fields describes the mapper's fields, in order.
func (m *Mapper) Fields() []CompiledField {
	out := make([]CompiledField, len(m.fields))
	for i := range m.fields {
		f := &m.fields[i]
		cf := CompiledField{
			Target:     f.target,
			Path:       f.path,
			Transforms: slices.Clone(f.primary.names),
			Required:   f.required,
			FilterOnly: f.filterOnly,
			HasDefault: f.def != nil,
		}
		for _, ch := range f.chains() {
			for _, a := range ch.attrs {
				cf.Sources = append(cf.Sources, a.clone())
			}
		}
		if f.when != nil {
			a := f.when.attr.clone()
			cf.Condition = &a
		}
		out[i] = cf
	}
	return out
}
