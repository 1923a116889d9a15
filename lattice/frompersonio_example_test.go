package lattice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// Turning Personio employees into the records Lattice's import expects, as Personio's
// Lattice integration does: compile the preset against the Personio tenant's catalog and
// apply it to each employee. Contractors are left out here, by the filter-only
// employment type.
func ExampleFromPersonioSpec() {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 6))
	defer srv.Close()
	ctx := context.Background()
	pc, err := personio.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	cat, err := pc.Directory().Catalog(ctx) // what these credentials can read
	if err != nil {
		log.Fatal(err)
	}
	m, err := mapping.Compile(lattice.FromPersonioSpec(), cat)
	if err != nil {
		log.Fatal(err)
	}
	if err := mapping.Check(m, cat).Err(); err != nil {
		log.Fatal(err) // a required attribute is not enabled for the credentials
	}
	page, err := pc.ListEmployees(ctx, &personio.ListEmployeesOptions{Limit: 3})
	if err != nil {
		log.Fatal(err)
	}
	for i := range page.Employees {
		out, err := m.Apply(personio.EmployeeRecord(&page.Employees[i], pc.Location()))
		if err != nil {
			log.Fatal(err)
		}
		if et, _ := out.Filter("employmentType"); et.Str == "external" {
			continue
		}
		line, _ := json.Marshal(out)
		fmt.Println(string(line))
	}
	// Output:
	// {"externalUserId":"10001","name":"Robin Neumann","status":"ACTIVE","gender":"Male","title":"Chief Executive Officer","manager":null,"startDate":"2017-04-26","department":"Management","email":"robin.neumann@nordlicht-software.example","preferredName":null,"birthDate":"1971-05-18"}
	// {"externalUserId":"10004","name":"Matthias Seidel","status":"ACTIVE","gender":"Male","title":"Head of Engineering","manager":"robin.neumann@nordlicht-software.example","startDate":"2020-11-10","department":"Engineering","email":"matthias.seidel@nordlicht-software.example","preferredName":null,"birthDate":"1983-12-05"}
}
