package directorytest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Memory is an in-memory [unified.Directory] over a fixed list of users. It is the
// reference implementation of the Directory contract: filters are applied with
// [unified.Filter.Match], cursors are opaque and bound to the filter, and every call honours
// its context. It is useful in tests of code that consumes a Directory, and in examples.
//
// Memory is safe for concurrent use.
type Memory struct {
	provider    string
	defaultSize int
	maxSize     int

	mu    sync.RWMutex
	users []unified.User
	me    string

	calls atomic.Int64
}

// MemoryOption configures a [Memory] directory.
type MemoryOption func(*Memory)

// WithPageSizes sets the default and maximum page sizes (defaults 50 and 100).
func WithPageSizes(defaultSize, maxSize int) MemoryOption {
	return func(m *Memory) {
		if defaultSize > 0 {
			m.defaultSize = defaultSize
		}
		if maxSize > 0 {
			m.maxSize = maxSize
		}
	}
}

// WithMe makes Me return the user with the given ID. Without it, Me returns
// unified.ErrUnsupported, as providers without a "current user" endpoint do.
func WithMe(id string) MemoryOption {
	return func(m *Memory) { m.me = id }
}

// NewMemory returns a directory named provider that lists users in the given order. The
// users are copied; each user's Provider field is set to provider.
func NewMemory(provider string, users []unified.User, opts ...MemoryOption) *Memory {
	m := &Memory{provider: provider, defaultSize: 50, maxSize: 100}
	for _, o := range opts {
		o(m)
	}
	if m.defaultSize > m.maxSize {
		m.defaultSize = m.maxSize
	}
	m.users = slices.Clone(users)
	for i := range m.users {
		m.users[i].Provider = provider
	}
	return m
}

var _ unified.Directory = (*Memory)(nil)

// Provider implements [unified.Directory].
func (m *Memory) Provider() string { return m.provider }

// Calls returns how many ListUsers and GetUser calls the directory has served.
func (m *Memory) Calls() int { return int(m.calls.Load()) }

// Me implements [unified.Directory].
func (m *Memory) Me(ctx context.Context) (*unified.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if m.me == "" {
		return nil, fmt.Errorf("%s: me: %w", m.provider, unified.ErrUnsupported)
	}
	return m.GetUser(ctx, m.me)
}

// GetUser implements [unified.Directory].
func (m *Memory) GetUser(ctx context.Context, id string) (*unified.User, error) {
	m.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for i := range m.users {
		if m.users[i].ID == id {
			u := m.users[i]
			return &u, nil
		}
	}
	return nil, fmt.Errorf("%s: user %q: %w", m.provider, id, unified.ErrNotFound)
}

type memoryPos struct {
	Offset int `json:"o"`
}

// ListUsers implements [unified.Directory].
func (m *Memory) ListUsers(ctx context.Context, opts *unified.ListOptions) (*unified.Page, error) {
	m.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var o unified.ListOptions
	if opts != nil {
		o = *opts
	}
	fp := o.Filter.Fingerprint()
	var pos memoryPos
	if o.Cursor != "" {
		if err := cursor.Decode(o.Cursor, m.provider, fp, &pos); err != nil {
			return nil, fmt.Errorf("%s: list users: %w", m.provider, err)
		}
		if pos.Offset < 0 {
			return nil, fmt.Errorf("%s: list users: %w: negative offset", m.provider, unified.ErrInvalidCursor)
		}
	}
	size := o.PageSize
	switch {
	case size <= 0:
		size = m.defaultSize
	case size > m.maxSize:
		size = m.maxSize
	}

	m.mu.RLock()
	defer m.mu.RUnlock()
	page := &unified.Page{Total: len(m.users)}
	i := pos.Offset
	for ; i < len(m.users) && len(page.Users) < size; i++ {
		if o.Filter.Match(&m.users[i]) {
			page.Users = append(page.Users, m.users[i])
		}
	}
	if i < len(m.users) {
		next, err := cursor.Encode(m.provider, fp, memoryPos{Offset: i})
		if err != nil {
			return nil, err
		}
		page.NextCursor = next
	}
	return page, nil
}
