package lightspeed_test

import (
	"context"
	"errors"
	"testing"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

func TestUpdateSetsOnlyTheGivenFields(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 3, Seed: 5}, nil)
	before := b.sim.Customers(false)[1]
	got, err := b.client.Update(t.Context(), before.ID, map[string]string{
		engine.FieldPhone: "021 555 0199", engine.FieldCompany: "",
	})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := b.sim.Customer(before.ID)
	if got.Phone != "021 555 0199" || after.Phone == nil || *after.Phone != "021 555 0199" {
		t.Errorf("phone = %q / %v, want the new value", got.Phone, after.Phone)
	}
	if after.CompanyName != nil && *after.CompanyName != "" {
		t.Errorf("company = %q, want it cleared", *after.CompanyName)
	}
	if after.Version <= before.Version {
		t.Errorf("version did not move: %d -> %d", before.Version, after.Version)
	}
	if deref(after.Email) != deref(before.Email) || deref(after.FirstName) != deref(before.FirstName) {
		t.Error("an update changed a field it was not given")
	}
	if _, err := b.client.Update(t.Context(), before.ID, map[string]string{"note": "x"}); !errors.Is(err, engine.ErrInvalid) || !engine.IsTerminal(err) {
		t.Errorf("unknown field: err = %v, want a terminal ErrInvalid", err)
	}
	if _, err := b.client.Update(t.Context(), "no-such-id", map[string]string{engine.FieldPhone: "1"}); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("unknown id: err = %v, want ErrNotFound", err)
	}
}

func TestGateStopsCallsBeforeTheyAreSent(t *testing.T) {
	t.Parallel()
	stop := errors.New("budget used up")
	allowed := 2
	b := simSetup(t, sim.Options{Customers: 450, Seed: 5}, func(o *lightspeed.Options) {
		o.Gate = func(context.Context) error {
			if allowed == 0 {
				return stop
			}
			allowed--
			return nil
		}
	})
	cursor := ""
	var err error
	for range 5 {
		var page engine.Page
		if page, err = b.client.Pull(t.Context(), cursor); err != nil {
			break
		}
		cursor = page.Cursor
	}
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the gate's error", err)
	}
	if st := b.sim.Stats(); st.Total != 2 {
		t.Errorf("the simulator saw %d requests, want the 2 the gate allowed", st.Total)
	}
}
