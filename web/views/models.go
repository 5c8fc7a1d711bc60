package views

// Shell is the frame around every signed-in page.
type Shell struct {
	Title     string
	User      string
	Pair      string // the current pair; "" on account pages
	Pairs     []Link // the pair switcher, when there are several
	Nav       []NavItem
	Active    string // the Key of the current NavItem
	Flash     Flash
	CSS, JS   string // content-hashed asset URLs
	Refresh   int    // seconds: a page that updates itself without JavaScript
	TokensURL string
	LogoutURL string
}

// NavItem is one entry of a pair's navigation.
type NavItem struct {
	Key, Label, URL string
	Badge           string // a count of open work, "" for none
	Tone            string
}

// Link is a labelled URL.
type Link struct {
	Label, URL string
	Current    bool
}

// Flash is the message left by the previous action.
type Flash struct {
	Tone string // "ok" or "error"
	Text string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// Badge is a short status label with a tone: ok, warn, bad, info or idle.
type Badge struct {
	Label, Tone string
}

// Empty is what a list says when it has nothing to show.
type Empty struct {
	Title, Text string
}

// Pager links to the neighbouring pages of a list.
type Pager struct {
	Summary  string // "Showing 1–25 of 1,234"
	PrevURL  string
	NextURL  string
	FirstURL string
}

// FieldRow is one canonical field of two records side by side.
type FieldRow struct {
	Label    string
	Left     string
	Right    string
	Differs  bool
	Evidence string // the field's part in the match ("matched", "weight 0.4"), or ""
}

// RecordHead names one record of a pair.
type RecordHead struct {
	Side    string // "Local (customers)", "Lightspeed X-Series"
	ID      string
	Name    string
	Missing bool // accord has no stored copy
	Deleted bool
	URL     string // its link page, when linked
}

// ErrorView is an error page.
type ErrorView struct {
	Status  int
	Title   string
	Message string
	BackURL string
}

// LoginView is the sign-in form.
type LoginView struct {
	CSS, JS string
	Email   string
	Next    string
	Error   string
}
