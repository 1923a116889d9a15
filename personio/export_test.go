package personio

import (
	"context"
	"fmt"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// What the external tests (package personio_test, which can import personiotest: the
// fake imports this package) need of the package's internals and test helpers.

var (
	MockClient         = mockClient
	MockEmployees      = mockEmployees
	NewResponse        = newResponse
	RegisterTokens     = registerTokens
	SeqIDs             = seqIDs
	FollowNext         = followNext[LegalEntity]
	UpdatedSinceLayout = updatedSinceLayout
	MaxLinkPages       = maxLinkPages
	TestBase           = testBase
	TestID             = testID
	TestSecret         = testSecret
)

// CloseIdleConnections closes the idle connections of both of c's transports.
func CloseIdleConnections(c *Client) {
	c.v1.CloseIdleConnections()
	c.v2.CloseIdleConnections()
}

// WarmV2 does what a v2 listing of d does once: the v2 token, the legal entities and the
// org unit lists.
func WarmV2(ctx context.Context, d *Directory) error {
	if _, err := d.c.v2tok.get(ctx); err != nil {
		return err
	}
	if _, err := d.legalEntityNames(ctx); err != nil {
		return err
	}
	for _, typ := range orgUnitTypes {
		if _, err := d.orgLists.get(ctx, typ, func(ctx context.Context) (map[string]string, error) { return d.listOrgUnits(ctx, typ) }); err != nil {
			return err
		}
	}
	return nil
}

// Projection returns the attributes[] a v1 listing of d asks for and the mapper it maps
// with.
func Projection(ctx context.Context, d *Directory) ([]string, *mapping.Mapper, error) {
	s, err := d.ready(ctx)
	if err != nil {
		return nil, nil, err
	}
	return s.attrs, s.mapper, nil
}

// V1Page returns a function that reads the v1 page at offset 0 as a listing of d reads it
// and maps its records as the listing maps them; it fails unless the page has n records
// that map cleanly.
func V1Page(ctx context.Context, d *Directory, n int) (func() error, error) {
	l, err := d.newV1Listing(&unified.ListOptions{})
	if err != nil {
		return nil, err
	}
	return func() error {
		p, err := l.fetch(ctx, 0)
		if err != nil || len(p.users) != n {
			return fmt.Errorf("%v, %+v", err, p)
		}
		for i, m := range p.users {
			if m.err != nil || m.user.ID == "" {
				return fmt.Errorf("record %d: %v", i, m.err)
			}
		}
		return nil
	}, nil
}
