package matchers

import "strings"

// nicknameGroups lists given names that people use for one another. It is
// short on purpose (common English forms only): a missing pair costs a
// little weight, since Jaro-Winkler and Double Metaphone still score most
// variants, while a wrong pair would vouch for strangers. A name in two
// groups ("chris", "sam") belongs to both.
var nicknameGroups = []string{
	"robert rob robbie bob bobby bert",
	"william will bill billy willy liam",
	"james jim jimmy jamie",
	"michael mike mick mickey",
	"thomas tom tommy",
	"david dave davy",
	"daniel dan danny",
	"christopher chris kit",
	"christine christina chris chrissy tina",
	"katherine catherine kathryn kate katie kathy cathy kat",
	"elizabeth liz lizzie beth betty eliza libby",
	"john jack johnny jon",
	"jonathan jon jonny",
	"joseph joe joey",
	"samuel sam sammy",
	"samantha sam sammie",
	"alexander alex alec sandy",
	"alexandra alex lexi sandra",
	"andrew andy drew",
	"anthony tony",
	"steven stephen steve",
	"benjamin ben benny",
	"matthew matt",
	"nicholas nick nicky",
	"charles charlie chuck",
	"charlotte charlie lottie",
	"henry harry hal",
	"edward ed eddie ted teddy ned",
	"patrick pat paddy",
	"patricia pat patty trish",
	"margaret maggie meg peggy",
	"jennifer jen jenny",
	"susan sue suzy",
	"deborah debbie deb",
	"rebecca becky becca",
	"gregory greg",
	"jeffrey jeff",
	"lawrence larry laurie",
	"gerald jerry gerry",
	"ronald ron ronnie",
	"donald don donnie",
	"kenneth ken kenny",
	"timothy tim timmy",
	"abigail abby abbie",
	"eleanor ellie nell",
	"isabella isabel izzy bella",
	"oliver olly ollie",
	"frederick fred freddie",
	"theodore theo ted teddy",
	"sebastian seb",
	"zachary zach zack",
	"joshua josh",
	"nathan nate",
	"nathaniel nate nat",
	"gabriel gabe",
	"louis lou louie",
	"victoria vicky tori",
	"alfred alf alfie",
	"archibald archie",
	"albert bert bertie al",
	"sarah sally sara",
	"mary molly polly",
	"jessica jess jessie",
	"natalie nat",
	"evelyn evie",
	"florence flo florrie",
	"harriet hattie",
	"matilda tilly",
	"penelope penny",
	"richard rick ricky dick",
	"frances fran frankie",
	"francis frank frankie",
	"emily em emmy",
	"amelia millie",
	"philip phil",
	"peter pete",
	"leonard leo len lenny",
	"raymond ray",
}

// nicknames maps each name to the indexes of the groups it is in.
var nicknames = func() map[string][]int {
	m := map[string][]int{}
	for i, g := range nicknameGroups {
		for _, n := range strings.Fields(g) {
			m[n] = append(m[n], i)
		}
	}
	return m
}()

// Nicknames reports whether two folded given names are forms of one name
// ("bob" and "robert"), comparing their first words. Equal names are not
// nicknames of each other; callers test equality first.
func Nicknames(a, b string) bool {
	a, _, _ = strings.Cut(a, " ")
	b, _, _ = strings.Cut(b, " ")
	if a == b {
		return false
	}
	for _, i := range nicknames[a] {
		for _, j := range nicknames[b] {
			if i == j {
				return true
			}
		}
	}
	return false
}
