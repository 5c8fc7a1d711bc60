package views

// ConnectResultView is a failed OAuth connection, explained for people.
type ConnectResultView struct {
	CSS      string
	Title    string
	Message  string
	RetryURL string // starts connecting again; "" when the sync is unknown
	BackURL  string
}
