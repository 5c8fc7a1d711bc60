package views

// PairsView lists every pair, on the home page of a server with several.
type PairsView struct {
	Pairs []PairCard
	Empty Empty
}

// PairCard is one pair on the home page.
type PairCard struct {
	Name, URL string
	Status    Badge
	LastRun   string
	OpenWork  string
}

// OverviewView is a pair's overview.
type OverviewView struct {
	Status     Badge
	StatusText string
	Connection Badge
	LastRun    *RunLine
	Running    *RunLine
	NextRun    string
	Schedule   string
	RunNowURL  string // "" when runs cannot be started here
	Work       []WorkItem
	Outcomes   []OutcomeLine
	Budget     Budget
	Changed    Chart
	Calls      Chart
	RunsURL    string
}

// RunLine is a run in a sentence.
type RunLine struct {
	ID, URL  string
	Status   Badge
	Started  string // "Tue 4 Nov, 14:05"
	Ago      string // "12 min ago"
	Duration string
	APICalls string
	Trigger  string
	Summary  string // "12 linked, 3 skipped"
}

// WorkItem is one kind of open work.
type WorkItem struct {
	Key, Label, Count, URL string
	Tone                   string // "" when there is nothing to do
	Hint                   string
}

// OutcomeLine is one outcome kind of a run with its reasons.
type OutcomeLine struct {
	Kind, Label, Count, Reasons, URL string
	Tone                             string
}

// Budget is the API budget used today.
type Budget struct {
	Used, Limit string
	Percent     int
	HasLimit    bool
	Tone        string
	Note        string
}

// Chart is a bar or line chart rendered as SVG on the server.
type Chart struct {
	ID, Title, Desc string
	Width, Height   int
	Bars            []Bar
	Line            string // polyline points, for a line chart
	Dots            []Bar  // line chart points (X, Y) with titles
	YTicks          []Tick
	XLabels         []Tick
	Empty           bool
	// PlotLeft, PlotRight, PlotTop, PlotBottom frame the plot area.
	PlotLeft, PlotRight, PlotTop, PlotBottom int
	Rows                                     []ChartRow // the data as a table, for screen readers
}

// Bar is one bar (or one point of a line) of a chart.
type Bar struct {
	X, Y, W, H int
	Title      string
	Tone       string
}

// Tick is one axis label.
type Tick struct {
	Pos   int
	Label string
}

// ChartRow is one data point of a chart, shown as a table row.
type ChartRow struct {
	Label, Value string
}
