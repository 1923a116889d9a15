package lattice

import (
	"bytes"
	"context"
	"encoding/json"
)

// What the external tests (package lattice_test, which can import latticetest: the fake
// imports this package) need of the package's internals.

// DecodeMapPage decodes page, a GET /v1/users answer, as a listing of d decodes it, and
// maps its users as the listing maps them (departments and managers from d's caches,
// no lookups). It returns how many users it mapped.
func DecodeMapPage(ctx context.Context, d *Directory, page []byte) (int, error) {
	var env envelope[wireUser]
	if err := json.NewDecoder(bytes.NewReader(page)).Decode(&env); err != nil {
		return 0, err
	}
	users := make([]User, len(env.Data))
	for i := range env.Data {
		users[i] = env.Data[i].user()
	}
	out, err := d.convert(ctx, users, nil)
	return len(out), err
}
