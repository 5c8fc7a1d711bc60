package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/connectors/square"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
)

// upRec is an upstream customer as the scenarios compare it, whatever the
// provider.
type upRec struct {
	ID, First, Last, Email, Phone, Code, Ref string
	Version                                  int64
	Deleted                                  bool
}

// provStats counts the requests a simulator served.
type provStats struct{ Total, Create, Update, Delete int64 }

// provider is an upstream simulator seen through neutral test customers.
// Customers are given with X-Series-style keys (first_name, last_name,
// email, phone, customer_code, custom_field_1, deleted_at, id); each
// provider maps them onto its own shape.
type provider interface {
	name() string
	handler() http.Handler
	client(base string, o harnessOpts, gate func(context.Context) error) (upstreamConn, error)
	load(cs []map[string]any) error
	snapshot() map[string]upRec
	setPhone(id, phone string) error
	remove(id string) error
	stats() provStats
	resetStats()
	close()
}

// upstreamConn is the connector surface the scenarios use.
type upstreamConn interface {
	engine.Connector
	engine.CallCounter
}

func newProvider(name string, o harnessOpts) (provider, error) {
	switch name {
	case "lightspeed":
		s, err := lssim.New(o.simOpts)
		return &lightspeedProv{s}, err
	case "square":
		so := o.squareOpts
		if so.Token == "" {
			so.Token = "sim-token"
		}
		if so.Now == nil {
			so.Now = o.now
		}
		if so.RateLimit == 0 {
			so.RateLimit = 1 << 30
		}
		s, err := sqsim.New(so)
		return &squareProv{s}, err
	}
	return nil, fmt.Errorf("unknown provider %q", name)
}

type lightspeedProv struct{ s *lssim.Server }

func (p *lightspeedProv) name() string          { return "lightspeed" }
func (p *lightspeedProv) handler() http.Handler { return p.s }
func (p *lightspeedProv) close()                { p.s.Close() }
func (p *lightspeedProv) resetStats()           { p.s.ResetStats() }

func (p *lightspeedProv) client(base string, o harnessOpts, gate func(context.Context) error) (upstreamConn, error) {
	return lightspeed.New(lightspeed.Options{BaseURL: base, Token: "sim-token",
		Timeout: 2 * time.Second, MaxRetries: 3, Now: o.now, Gate: gate})
}

func (p *lightspeedProv) load(cs []map[string]any) error {
	data, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	return p.s.Load(bytes.NewReader(data))
}

func (p *lightspeedProv) snapshot() map[string]upRec {
	out := map[string]upRec{}
	for _, c := range p.s.Customers(true) {
		out[c.ID] = upRec{ID: c.ID, First: str(c.FirstName), Last: str(c.LastName), Email: str(c.Email),
			Phone: str(c.Phone), Code: c.CustomerCode, Ref: str(c.CustomField1), Version: c.Version,
			Deleted: c.DeletedAt != nil}
	}
	return out
}

func (p *lightspeedProv) setPhone(id, phone string) error {
	return p.s.Update(id, func(c *lssim.Customer) { c.Phone = &phone })
}

func (p *lightspeedProv) remove(id string) error { return p.s.Delete(id) }

func (p *lightspeedProv) stats() provStats {
	st := p.s.Stats()
	return provStats{Total: st.Total, Create: st.Create, Update: st.Update, Delete: st.Delete}
}

type squareProv struct{ s *sqsim.Server }

func (p *squareProv) name() string          { return "square" }
func (p *squareProv) handler() http.Handler { return p.s }
func (p *squareProv) close()                { p.s.Close() }
func (p *squareProv) resetStats()           { p.s.ResetStats() }

func (p *squareProv) client(base string, o harnessOpts, gate func(context.Context) error) (upstreamConn, error) {
	return square.New(square.Options{BaseURL: base, Token: "sim-token", AccountCodeField: "nickname",
		ExternalRefField: "reference_id", Timeout: 2 * time.Second, MaxRetries: 3, Now: o.now, Gate: gate})
}

// load maps the neutral keys onto Square's fields. Square keeps no deleted
// customers: one given with deleted_at is loaded and deleted, so it is gone.
func (p *squareProv) load(cs []map[string]any) error {
	var gone []string
	out := make([]map[string]any, len(cs))
	for i, c := range cs {
		m := map[string]any{}
		for k, v := range c {
			switch k {
			case "first_name":
				m["given_name"] = v
			case "last_name":
				m["family_name"] = v
			case "email":
				m["email_address"] = v
			case "phone":
				m["phone_number"] = v
			case "customer_code":
				m["nickname"] = v
			case "custom_field_1":
				m["reference_id"] = v
			case "deleted_at":
				gone = append(gone, c["id"].(string))
			default:
				m[k] = v
			}
		}
		out[i] = m
	}
	data, err := json.Marshal(out)
	if err != nil {
		return err
	}
	if err := p.s.Load(bytes.NewReader(data)); err != nil {
		return err
	}
	for _, id := range gone {
		if err := p.s.Delete(id); err != nil {
			return err
		}
	}
	return nil
}

func (p *squareProv) snapshot() map[string]upRec {
	out := map[string]upRec{}
	for _, c := range p.s.Customers() {
		out[c.ID] = upRec{ID: c.ID, First: c.GivenName, Last: c.FamilyName, Email: c.EmailAddress,
			Phone: c.PhoneNumber, Code: c.Nickname, Ref: c.ReferenceID, Version: c.Version}
	}
	return out
}

func (p *squareProv) setPhone(id, phone string) error {
	_, err := p.s.Update(id, func(c *sqsim.Customer) { c.PhoneNumber = phone })
	return err
}

func (p *squareProv) remove(id string) error { return p.s.Delete(id) }

func (p *squareProv) stats() provStats {
	st := p.s.Stats()
	return provStats{Total: st.Total, Create: st.Create + st.BulkCreate, Update: st.Update, Delete: st.Delete}
}
