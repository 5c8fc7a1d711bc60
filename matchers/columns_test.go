package matchers_test

import (
	"reflect"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func TestColumnField(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"given_name", engine.FieldFirstName}, {"First Name", engine.FieldFirstName}, {"surname", engine.FieldLastName},
		{"E-mail", engine.FieldEmail}, {"Email Address", engine.FieldEmail}, {"dob", engine.FieldBirthday},
		{"date_of_birth", engine.FieldBirthday}, {"zip", engine.FieldPostcode}, {"suburb", engine.FieldCity},
		{"address_1", engine.FieldLine1}, {"soc_sec_id", engine.FieldAccountCode}, {"street_number", matchers.ColumnStreetNumber},
		{"name", matchers.ColumnFullName}, {"cluster", ""}, {"rec_id", ""},
	} {
		if got := matchers.ColumnField(tt.in); got != tt.want {
			t.Errorf("ColumnField(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSetColumn(t *testing.T) {
	t.Parallel()
	var c engine.Customer
	matchers.SetColumn(&c, engine.FieldLine1, "tullaroop street")
	matchers.SetColumn(&c, matchers.ColumnStreetNumber, " 6 ")
	matchers.SetColumn(&c, engine.FieldBirthday, "19081209")
	matchers.SetColumn(&c, matchers.ColumnFullName, "Mary Jane Smith")
	matchers.SetColumn(&c, engine.FieldEmail, "  ")
	want := engine.Customer{FirstName: "Mary Jane", LastName: "Smith", Birthday: "1908-12-09",
		Address: engine.Address{Line1: "6 tullaroop street"}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("customer = %+v, want %+v", c, want)
	}
}
