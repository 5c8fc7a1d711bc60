package sim

// Word lists for seeded customers. They mix New Zealand, Australian, Pacific,
// Māori, Asian and European names, including diacritics, apostrophes,
// hyphens and multi-word surnames, because matching and email folding break
// on exactly those.

var firstNames = [...]string{
	"Aroha", "Tāne", "Māia", "Wiremu", "Hemi", "Mere", "Anahera", "Rangi", "Manaia", "Kahu",
	"Sione", "Losa", "Mele", "Tevita", "Salote", "Malia", "Ioane", "Leilani", "Pita", "Moana",
	"Olivia", "Charlotte", "Isla", "Amelia", "Ava", "Mia", "Harper", "Sophie", "Grace", "Ella",
	"Lily", "Zoë", "Ruby", "Emily", "Chloe", "Hannah", "Lucy", "Georgia", "Matilda", "Evie",
	"Oliver", "Jack", "Noah", "Leo", "George", "Charlie", "William", "Thomas", "James", "Lucas",
	"Henry", "Hudson", "Mason", "Arlo", "Theo", "Luca", "Max", "Harry", "Samuel", "Benjamin",
	"Anthony", "Tony", "Steven", "Steve", "Katherine", "Kate", "Elizabeth", "Liz", "Robert", "Bob",
	"Michael", "Mike", "Jennifer", "Jenny", "Christopher", "Chris", "Daniel", "Dan", "Rebecca", "Becky",
	"Wei", "Li", "Xiao", "Jun", "Mei", "Hiroshi", "Yuki", "Haruto", "Sakura", "Min-jun",
	"Ji-woo", "Seo-yeon", "Arjun", "Priya", "Ananya", "Rohan", "Aditi", "Vikram", "Deepa", "Sanjay",
	"Nguyễn", "Linh", "Minh", "Thu", "Mohammed", "Fatima", "Omar", "Aisha", "Yusuf", "Layla",
	"José", "María", "Lucía", "Mateo", "Sofía", "Diego", "Renée", "Chloé", "Søren", "Björn",
	"Ingrid", "Astrid", "Lars", "Freya", "Niamh", "Siobhan", "Ciarán", "Seán", "Aoife", "Declan",
	"Hamish", "Fergus", "Isobel", "Callum", "Ewan", "Fiona", "Angus", "Morag", "Duncan", "Mhairi",
	"Jean-Luc", "Anne-Marie", "Mary Jane", "Lee", "Sam", "Alex", "Jordan", "Taylor", "Casey", "Riley",
}

var lastNames = [...]string{
	"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson",
	"Thompson", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Clarke", "Campbell",
	"Stewart", "Young", "Wright", "Mitchell", "Scott", "Hall", "Green", "Baker", "Wood", "Hughes",
	"Ngata", "Parata", "Tamihana", "Te Whata", "Horomona", "Wihongi", "Te Kani", "Rāwiri", "Paewai", "Tūhoe",
	"Fifita", "Tupou", "Faleolo", "Leota", "Tuilagi", "Vaifale", "Afamasaga", "Sapolu", "Pulu", "Havili",
	"Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhao", "Wu", "Zhou", "Xu",
	"Kim", "Park", "Choi", "Jung", "Kang", "Tanaka", "Suzuki", "Sato", "Watanabe", "Yamamoto",
	"Singh", "Patel", "Sharma", "Kumar", "Gupta", "Reddy", "Nair", "Iyer", "Das", "Chopra",
	"Nguyen", "Tran", "Le", "Pham", "Hoang", "Khan", "Ahmed", "Hussain", "Ali", "Rahman",
	"O'Brien", "O'Connor", "O'Neill", "McDonald", "MacKenzie", "McLeod", "Fitzgerald", "Murphy", "Byrne", "Doyle",
	"García", "Martínez", "Rodríguez", "López", "González", "Fernández", "Pérez", "Sánchez", "Da Silva", "Dos Santos",
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Jansen", "de Vries", "van der Berg", "van Dijk",
	"Johansson", "Andersson", "Nilsson", "Larsen", "Hansen", "Jørgensen", "Virtanen", "Korhonen", "Novak", "Kowalski",
	"Smith-Jones", "Lloyd-Davies", "Bowes-Lyon", "St. John", "Stark", "Banner", "Romanoff", "Rogers", "Parker", "Wayne",
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Dubois", "Lefèvre", "Moreau", "Laurent", "Bernard",
}

var emailDomains = [...]string{
	"gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
	"xtra.co.nz", "slingshot.co.nz", "bigpond.com", "optusnet.com.au", "example.com",
}

var companies = [...]string{
	"Stark Industries Inc", "Kiwi Coffee Roasters", "Harbour Bikes Ltd", "Southern Cross Plumbing",
	"Aotearoa Design Co", "Tasman Electrical", "Pōhutukawa Florist", "Blue Penguin Café",
	"Ridgeline Builders", "Kauri Joinery Ltd", "Pacific Freight NZ", "Mount Eden Dental",
	"Coastal Catering", "Northern Lights Studio", "Fern & Feather", "Greenstone Gallery",
	"Matariki Events", "Bayside Vet Clinic", "Cook Strait Ferries", "Waitematā Yachts",
	"Bondi Surf Co", "Yarra Valley Wines", "Sunshine Coast Realty", "Outback Outfitters",
	"Acme Pty Ltd", "Smith & Sons", "Lee Brothers Trading", "Patel Pharmacy",
}

var noteTexts = [...]string{
	"Prefers email contact", "VIP - offer early access", "Wholesale pricing approved",
	"Allergic to latex", "Call before delivery", "Account on hold until invoice paid",
}

type city struct{ name, postcode, state, country string }

var cities = [...]city{
	{"Auckland", "1010", "", "NZ"}, {"Wellington", "6011", "", "NZ"}, {"Christchurch", "8011", "", "NZ"},
	{"Hamilton", "3204", "", "NZ"}, {"Tauranga", "3110", "", "NZ"}, {"Dunedin", "9016", "", "NZ"},
	{"Palmerston North", "4410", "", "NZ"}, {"Napier", "4110", "", "NZ"}, {"Nelson", "7010", "", "NZ"},
	{"Whangārei", "0110", "", "NZ"}, {"Queenstown", "9300", "", "NZ"}, {"Rotorua", "3010", "", "NZ"},
	{"Sydney", "2000", "NSW", "AU"}, {"Melbourne", "3000", "VIC", "AU"}, {"Brisbane", "4000", "QLD", "AU"},
	{"Perth", "6000", "WA", "AU"}, {"Adelaide", "5000", "SA", "AU"}, {"Hobart", "7000", "TAS", "AU"},
	{"London", "EC1A 1BB", "", "GB"}, {"Los Angeles", "90012", "California", "US"},
}

var streets = [...]string{
	"Queen Street", "Victoria Street", "Ponsonby Road", "Cuba Street", "Colombo Street", "George Street",
	"High Street", "Main Road", "Beach Road", "Church Street", "Station Road", "Karangahape Road",
	"Lambton Quay", "Dominion Road", "Great North Road", "Te Awa Lane", "Kōwhai Avenue", "Rata Place",
}
