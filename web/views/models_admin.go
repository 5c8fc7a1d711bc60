package views

// ConnectionsView shows the state of a pair's two connections.
type ConnectionsView struct {
	State       Badge
	Explanation string
	Sides       []ConnectionSide
	TestURL     string // "" when connections cannot be tested here
	ConnectURL  string // OAuth connect or reconnect; "" without a provider
	ConnectText string
	Grant       string // the OAuth connection, for people; "" without one
	Recent      []RunRow
}

// ConnectionSide is one side of a pair.
type ConnectionSide struct {
	Label   string
	Kind    string
	Detail  string
	State   Badge
	LastOK  string
	LastErr string
}

// SettingsView is a pair's policy: each value in force and where it comes
// from.
type SettingsView struct {
	Action string
	Fields []SettingField
	Errors []string
	Saved  string
	Note   string
}

// SettingField is one editable policy value.
type SettingField struct {
	Name, Label, Help string
	Value             string // the form value: the override, or "" for the configured value
	Configured        string // the value in accord.yaml
	Effective         string
	Overridden        bool
	Error             string
	Type              string // "text" or "number"
	Step, Min, Max    string
}

// TokensView lists the API tokens of the signed-in person.
type TokensView struct {
	Tokens   []TokenRow
	NewToken string // shown once, right after it is created
	NewName  string
	Error    string
	Example  string
	Empty    Empty
}

// TokenRow is one API token.
type TokenRow struct {
	ID, Name, Prefix string
	Created          string
	LastUsed         string
	Revoked          string
	RevokeURL        string
}
