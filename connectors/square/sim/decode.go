package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
)

// unmarshalNumbers decodes keeping numbers as json.Number, so that a
// canonicalised body keeps them exactly as sent.
func unmarshalNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// decodeBody decodes a request body into v. Malformed JSON is a 400
// BAD_REQUEST; a value of the wrong type is the EXPECTED_* code that Square
// uses, naming the field by its dotted path (query.filter.email_address).
func decodeBody(body []byte, v any) *requestError {
	if len(bytes.TrimSpace(body)) == 0 {
		return reqErr("EXPECTED_JSON_BODY", "", "The request body must be a JSON object.")
	}
	err := json.Unmarshal(body, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return reqErr(expectedCode(te.Type), te.Field,
			"Expected "+kindName(te.Type)+", got "+te.Value+".")
	}
	return reqErr(codeBadRequest, "", "The request body is not valid JSON: "+err.Error())
}

func expectedCode(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "EXPECTED_STRING"
	case reflect.Bool:
		return "EXPECTED_BOOLEAN"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "EXPECTED_INTEGER"
	case reflect.Float32, reflect.Float64:
		return "EXPECTED_FLOAT"
	case reflect.Slice, reflect.Array:
		return "EXPECTED_ARRAY"
	case reflect.Map:
		return "EXPECTED_MAP"
	}
	return "EXPECTED_OBJECT"
}

func kindName(t reflect.Type) string {
	switch expectedCode(t) {
	case "EXPECTED_STRING":
		return "a string"
	case "EXPECTED_BOOLEAN":
		return "a boolean"
	case "EXPECTED_INTEGER":
		return "an integer"
	case "EXPECTED_FLOAT":
		return "a number"
	case "EXPECTED_ARRAY":
		return "an array"
	case "EXPECTED_MAP":
		return "a map"
	}
	return "an object"
}
