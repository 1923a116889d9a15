package fakecompany

// This file holds the fixed vocabulary of generated companies. The tables are read-only.

// firstName is a given name with its usual gender ('m', 'f', or 'u' for names given to
// anyone) and a common short form, if any.
type firstName struct {
	name, nick string
	gender     byte
}

// The first-name pools: German, other European, international. A person's first and last
// names are drawn from the pools independently, as in any European company.
var (
	germanFirst = []firstName{
		{"Jürgen", "", 'm'}, {"Lukas", "Luki", 'm'}, {"Maximilian", "Max", 'm'},
		{"Jonas", "", 'm'}, {"Felix", "", 'm'}, {"Tobias", "Tobi", 'm'},
		{"Matthias", "Matze", 'm'}, {"Sebastian", "Basti", 'm'}, {"Björn", "", 'm'},
		{"Jörg", "", 'm'}, {"Günther", "", 'm'}, {"Stefan", "", 'm'}, {"Florian", "Flo", 'm'},
		{"Niklas", "Nik", 'm'}, {"Moritz", "", 'm'}, {"Alexander", "Alex", 'm'},
		{"Christoph", "Chris", 'm'}, {"Dominik", "Dom", 'm'}, {"Frank", "", 'm'},
		{"Uwe", "", 'm'}, {"Till", "", 'm'}, {"Henrik", "", 'm'}, {"Thomas", "Tom", 'm'},
		{"Anna", "", 'f'}, {"Lena", "", 'f'}, {"Sophie", "", 'f'}, {"Marie", "", 'f'},
		{"Katharina", "Kathi", 'f'}, {"Julia", "Jule", 'f'}, {"Hannah", "", 'f'},
		{"Leonie", "", 'f'}, {"Lea", "", 'f'}, {"Sabine", "", 'f'}, {"Ute", "", 'f'},
		{"Birgit", "", 'f'}, {"Franziska", "Franzi", 'f'}, {"Johanna", "Jo", 'f'},
		{"Charlotte", "Lotte", 'f'}, {"Jördis", "", 'f'}, {"Käthe", "", 'f'},
		{"Annika", "", 'f'}, {"Elisabeth", "Lisa", 'f'}, {"Miriam", "", 'f'},
		{"Sascha", "", 'u'}, {"Kim", "", 'u'}, {"Robin", "", 'u'}, {"Eike", "", 'u'},
		{"Kai", "", 'u'}, {"Toni", "", 'u'},
	}
	europeanFirst = []firstName{
		{"Luca", "", 'm'}, {"Matteo", "", 'm'}, {"Pierre", "", 'm'}, {"Łukasz", "", 'm'},
		{"Jiří", "", 'm'}, {"Søren", "", 'm'}, {"Mikkel", "", 'm'}, {"Pablo", "", 'm'},
		{"Javier", "Javi", 'm'}, {"Joaquín", "Joaco", 'm'}, {"João", "", 'm'},
		{"Tomás", "", 'm'}, {"Olivier", "", 'm'}, {"Piotr", "", 'm'}, {"Andrés", "", 'm'},
		{"Oliver", "Olly", 'm'}, {"James", "Jim", 'm'}, {"William", "Will", 'm'},
		{"Niamh", "", 'f'}, {"Zoë", "", 'f'}, {"Chloé", "", 'f'}, {"Inès", "", 'f'},
		{"Élodie", "", 'f'}, {"Léa", "", 'f'}, {"Lucía", "Lu", 'f'}, {"María", "", 'f'},
		{"Sofía", "", 'f'}, {"Inês", "", 'f'}, {"Agnieszka", "Aga", 'f'},
		{"Małgorzata", "Gosia", 'f'}, {"Ingrid", "", 'f'}, {"Astrid", "", 'f'},
		{"Siobhán", "", 'f'}, {"Giulia", "", 'f'}, {"Francesca", "Fran", 'f'},
		{"Emma", "", 'f'}, {"Charlotte", "Charlie", 'f'}, {"Eleni", "", 'f'},
		{"Alex", "", 'u'}, {"Charlie", "", 'u'}, {"Noa", "", 'u'}, {"Jamie", "", 'u'},
		{"Andrea", "", 'u'}, {"Sam", "", 'u'},
	}
	internationalFirst = []firstName{
		{"Hiroshi", "", 'm'}, {"Kwame", "", 'm'}, {"Chinedu", "", 'm'}, {"Mohammed", "Mo", 'm'},
		{"Omar", "", 'm'}, {"Arjun", "", 'm'}, {"Wei", "", 'm'}, {"Mehmet", "", 'm'},
		{"Rafael", "Rafa", 'm'}, {"Diego", "", 'm'}, {"Oluwaseun", "Seun", 'u'},
		{"Aisha", "", 'f'}, {"Priya", "", 'f'}, {"Yuki", "", 'u'}, {"Fatima", "", 'f'},
		{"Mei", "", 'f'}, {"Ji-woo", "", 'u'}, {"Amara", "", 'f'}, {"Ayşe", "", 'f'},
		{"Nia", "", 'f'}, {"Leila", "", 'f'}, {"Ananya", "", 'f'}, {"Thabo", "", 'm'},
	}
)

// The last-name pools, matching the first-name pools.
var (
	germanLast = []string{
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
		"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
		"Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
		"Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Köhler",
		"Groß", "Weiß", "Jäger", "Vogel", "Böhm", "Seidel", "Fuchs", "Kühn", "Brandt",
		"Haas", "Roth", "Sommer", "von Bülow", "Oßwald",
	}
	europeanLast = []string{
		"García", "Fernández", "Nuñez", "Martínez", "López", "Rossi", "Russo", "Bianchi",
		"Dubois", "Lefèvre", "Moreau", "Girard", "de Vries", "van Dijk", "Jansen",
		"Kowalski", "Nowak", "Wiśniewski", "Novák", "Dvořák", "Nielsen", "Sørensen",
		"Andersson", "Öberg", "Silva", "Gonçalves", "O'Brien", "Murphy", "Smith", "Jones",
		"Taylor", "Brown", "Williams", "Papadopoulos", "Horváth", "Kovač", "Ferrari",
		"Mäkinen", "Costa",
	}
	internationalLast = []string{
		"Nguyen", "Kim", "Park", "Chen", "Wang", "Tanaka", "Sato", "Patel", "Sharma",
		"Singh", "Okafor", "Mensah", "Haddad", "Yılmaz", "Demir", "Öztürk", "Khan", "Ali",
		"Cohen", "dos Santos", "Adeyemi", "Rahman",
	}
)

// poolWeights are the relative weights of the German, European and international pools.
var poolWeights = []int{50, 35, 15}

// companyNames are the names a generated company is given.
var companyNames = []string{
	"Acme Demo", "Nordlicht Software", "Bergblick Analytics", "Blauwal Logistics",
	"Fjordstack", "Kiezkraft", "Lindenbaum Health", "Alpenglühen Energy",
	"Rheinwerk Robotics", "Elbe Payments", "Isar Mobility", "Brückenbau Digital",
}

// officeSpec describes an office of a generated company.
type officeSpec struct {
	name, country, tz string
	weight            int
}

// offices lists the offices; the British office's people work for the Ltd, everybody
// else for the GmbH, except remote workers, who may work for either.
var offices = []officeSpec{
	{"Munich", "DE", "Europe/Berlin", 30},
	{"Berlin", "DE", "Europe/Berlin", 25},
	{"London", "GB", "Europe/London", 15},
	{"Madrid", "ES", "Europe/Madrid", 8},
	{"Amsterdam", "NL", "Europe/Amsterdam", 7},
	{"Remote", "", "", 15},
}

// remoteTimezones are the time zones of people in the Remote office.
var remoteTimezones = []string{
	"Europe/Berlin", "Europe/Lisbon", "Europe/Warsaw", "Europe/Dublin", "Europe/Athens",
	"Europe/Paris", "Europe/Stockholm", "Europe/London",
}

// teamSpec describes a team: its name, the roles of its members when they differ from
// the department's, and the office most of its members work in.
type teamSpec struct {
	name   string
	roles  []string
	office string
}

// deptSpec describes a department: its relative size, the title of its middle managers,
// its members' roles and its teams.
type deptSpec struct {
	name         string
	weight       int
	managerTitle string
	roles        []string
	teams        []teamSpec
}

// managementDept is the department of the CEO and the executive staff.
const managementDept = "Management"

// departments lists the departments of a generated company. Management holds the CEO;
// the others share the rest of the people by weight. They are ordered by weight, largest
// first: small companies use only the first few.
var departments = []deptSpec{
	{name: managementDept},
	{
		name: "Engineering", weight: 30, managerTitle: "Engineering Manager",
		roles: []string{"Software Engineer", "Backend Engineer", "Frontend Engineer", "Full Stack Engineer"},
		teams: []teamSpec{
			{name: "Platform", roles: []string{"Backend Engineer", "Software Engineer", "Site Reliability Engineer"}},
			{name: "Payments"},
			{name: "Mobile", roles: []string{"iOS Engineer", "Android Engineer", "Mobile Engineer"}},
			{name: "Web", roles: []string{"Frontend Engineer", "Full Stack Engineer"}},
			{name: "Data", roles: []string{"Data Engineer", "Data Scientist", "Analytics Engineer"}},
			{name: "Infrastructure", roles: []string{"Site Reliability Engineer", "DevOps Engineer", "Cloud Engineer"}},
			{name: "Security", roles: []string{"Security Engineer", "Application Security Engineer"}},
			{name: "Quality Assurance", roles: []string{"QA Engineer", "Test Automation Engineer"}},
		},
	},
	{
		name: "Sales", weight: 18, managerTitle: "Sales Manager",
		roles: []string{"Account Executive", "Account Manager", "Sales Development Representative", "Solutions Consultant"},
		teams: []teamSpec{
			{name: "DACH", office: "Munich"},
			{name: "UK & Ireland", office: "London"},
			{name: "Southern Europe", office: "Madrid"},
			{name: "Benelux", office: "Amsterdam"},
			{name: "Nordics"},
			{name: "Sales Development", roles: []string{"Sales Development Representative", "Business Development Representative"}, office: "Berlin"},
		},
	},
	{
		name: "Customer Support", weight: 14, managerTitle: "Support Manager",
		roles: []string{"Customer Support Specialist", "Technical Support Agent", "Support Engineer"},
		teams: []teamSpec{
			{name: "Tier 1"},
			{name: "Tier 2", roles: []string{"Support Engineer", "Technical Support Agent"}},
			{name: "Customer Onboarding", roles: []string{"Onboarding Specialist", "Implementation Consultant"}},
			{name: "Customer Success", roles: []string{"Customer Success Manager"}},
		},
	},
	{
		name: "Product", weight: 8, managerTitle: "Group Product Manager",
		roles: []string{"Product Manager", "Product Owner", "Product Designer", "UX Researcher"},
		teams: []teamSpec{
			{name: "Core Product"},
			{name: "Growth"},
			{name: "Design", roles: []string{"Product Designer", "UX Researcher", "UX Writer"}},
		},
	},
	{
		name: "Marketing", weight: 8, managerTitle: "Marketing Lead",
		roles: []string{"Marketing Specialist", "Content Writer", "Growth Marketer", "SEO Specialist"},
		teams: []teamSpec{
			{name: "Brand", roles: []string{"Brand Designer", "Marketing Specialist"}},
			{name: "Performance Marketing", roles: []string{"Growth Marketer", "SEO Specialist", "Marketing Analyst"}},
			{name: "Content", roles: []string{"Content Writer", "Copywriter", "Video Producer"}},
			{name: "Events", roles: []string{"Event Coordinator", "Marketing Specialist"}},
		},
	},
	{
		name: "Operations", weight: 6, managerTitle: "Operations Manager",
		roles: []string{"Business Operations Analyst", "Office Manager"},
		teams: []teamSpec{
			{name: "IT", roles: []string{"IT Support Specialist", "System Administrator"}},
			{name: "Workplace", roles: []string{"Office Manager", "Workplace Coordinator"}},
			{name: "Business Operations", roles: []string{"Business Operations Analyst", "Revenue Operations Analyst"}},
		},
	},
	{
		name: "Finance", weight: 5, managerTitle: "Finance Manager",
		roles: []string{"Accountant", "Financial Analyst", "Controller"},
		teams: []teamSpec{
			{name: "Accounting", roles: []string{"Accountant", "Bookkeeper"}},
			{name: "Controlling", roles: []string{"Controller", "Financial Analyst"}},
			{name: "Payroll", roles: []string{"Payroll Specialist"}},
		},
	},
	{
		name: "People & Culture", weight: 5, managerTitle: "People Lead",
		roles: []string{"HR Business Partner", "People Operations Specialist", "Recruiter"},
		teams: []teamSpec{
			{name: "Recruiting", roles: []string{"Recruiter", "Talent Acquisition Partner", "Sourcer"}},
			{name: "People Partners", roles: []string{"HR Business Partner", "People Operations Specialist"}},
			{name: "Learning & Development", roles: []string{"Learning & Development Specialist"}},
		},
	},
	{
		name: "Legal", weight: 2, managerTitle: "Legal Lead",
		roles: []string{"Legal Counsel", "Paralegal"},
		teams: []teamSpec{
			{name: "Commercial Legal", roles: []string{"Legal Counsel", "Paralegal"}},
			{name: "Compliance & Privacy", roles: []string{"Compliance Officer", "Data Protection Officer"}},
		},
	},
}

// sharedCostCenter is the cost centre of people without a department, and the second
// cost centre of people whose cost is split.
const sharedCostCenter = "9000 Shared Services"

// terminationTypes and terminationReasons describe how people left.
var (
	terminationTypes   = []string{"employee", "employee", "employee", "agreement", "fired", "retirement"}
	terminationReasons = []string{
		"Relocation", "Career change", "Better offer", "Personal reasons", "Restructuring",
		"Moving to a different position", "Further education", "Performance",
	}
)

// Custom-attribute vocabulary.
var (
	tshirtSizes   = []string{"XS", "S", "M", "L", "XL", "XXL"}
	tshirtWeights = []int{6, 20, 30, 26, 13, 5}
	foods         = []string{
		"Käsespätzle", "Schnitzel mit Pommes", "Currywurst", "Pizza Margherita", "Sushi",
		"Paella", "Pad Thai", "Ramen", "Falafel", "Dal", "Shakshuka", "Crème brûlée",
		"Pão de queijo", "Kaiserschmarrn", "Maultaschen", "Fish and chips", "Pierogi",
		"Bibimbap", "Tacos al pastor", "Königsberger Klopse",
	}
	skills = []string{
		"Go", "Python", "Kubernetes", "SQL", "TypeScript", "Salesforce", "Excel", "Figma",
		"Public Speaking", "German", "English", "Spanish", "Negotiation", "Data Analysis",
		"Project Management", "Leadership", "Customer Empathy",
	}
	jobLevels    = []string{"L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8"}
	remoteDays   = []string{"0", "1", "2", "2.5", "3", "4"}
	gbBankCodes  = []string{"NWBK", "BARC", "HBUK", "LOYD", "MIDL"}
	partTimeHrs  = []float64{20, 24, 30, 32}
	childWeights = []int{55, 18, 18, 6, 3}
)

// The custom attributes of a generated company, with the keys Personio would give them.
var attributeSpecs = []CustomAttribute{
	{Key: "dynamic_24407", LabelEN: "Title", LabelDE: "Titel", Type: AttrText},
	{Key: "dynamic_21827", LabelEN: "IBAN", LabelDE: "IBAN", Type: AttrText, UniversalID: "iban"},
	{Key: "dynamic_33400", LabelEN: "Anniversary Date", LabelDE: "Jubiläumsdatum", Type: AttrDate},
	{Key: "dynamic_40101", LabelEN: "T-shirt size", LabelDE: "T-Shirt-Größe", Type: AttrList, Options: tshirtSizes},
	{Key: "dynamic_40102", LabelEN: "Favourite food", LabelDE: "Lieblingsessen", Type: AttrText},
	{Key: "dynamic_40103", LabelEN: "Number of children", LabelDE: "Anzahl Kinder", Type: AttrInteger},
	{Key: "dynamic_40104", LabelEN: "Remote days per week", LabelDE: "Remote-Tage pro Woche", Type: AttrDecimal},
	{Key: "dynamic_40105", LabelEN: "Skills", LabelDE: "Fähigkeiten", Type: AttrTags, Options: skills},
	{Key: "dynamic_40106", LabelEN: "Job level", LabelDE: "Karrierestufe", Type: AttrList, Options: jobLevels},
}

// Keys of the generated custom attributes, in the order of attributeSpecs.
const (
	keyTitle       = "dynamic_24407"
	keyIBAN        = "dynamic_21827"
	keyAnniversary = "dynamic_33400"
	keyTShirt      = "dynamic_40101"
	keyFood        = "dynamic_40102"
	keyChildren    = "dynamic_40103"
	keyRemoteDays  = "dynamic_40104"
	keySkills      = "dynamic_40105"
	keyJobLevel    = "dynamic_40106"
)

// ID bases of the generated structure. Each kind of object has its own range, so a
// client that confuses a team id with a department id fails in tests.
const (
	firstPersonID   = 10001
	legalEntityBase = 7033
	departmentBase  = 281521
	teamBase        = 59026
	officeBase      = 131014
	costCenterBase  = 82957
)
