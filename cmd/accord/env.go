package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// applyEnv overrides configuration values from ACCORD_* variables. A
// variable's name is the upper-cased yaml path joined by underscores, with a
// pair addressed by its name: ACCORD_DATABASE, ACCORD_LISTEN,
// ACCORD_PAIRS_MAIN_UPSTREAM_TOKEN, ACCORD_PAIRS_MAIN_GUARD_MAX_CREATES.
// Field mappings (maps) are configuration structure, not values, and are not
// overridable.
func applyEnv(cfg *Config, getenv func(string) string) error {
	return walkEnv(reflect.ValueOf(cfg).Elem(), "ACCORD", getenv)
}

func envName(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(s))
}

func walkEnv(v reflect.Value, prefix string, getenv func(string) string) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + envName(tag)
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Struct:
			if err := walkEnv(fv, name, getenv); err != nil {
				return err
			}
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String { // a list of values: comma-separated
				if s := getenv(name); s != "" {
					fv.Set(reflect.ValueOf(splitList(s)).Convert(fv.Type()))
				}
				continue
			}
			for j := range fv.Len() {
				elem := fv.Index(j)
				key := elem.FieldByName("Name")
				if !key.IsValid() || key.String() == "" {
					continue
				}
				if err := walkEnv(elem, name+"_"+envName(key.String()), getenv); err != nil {
					return err
				}
			}
		case reflect.Map:
		default:
			s := getenv(name)
			if s == "" {
				continue
			}
			if err := setValue(fv, s); err != nil {
				return configErrorf("config: %s=%q: %w", name, s, err)
			}
		}
	}
	return nil
}

func setValue(v reflect.Value, s string) error {
	if v.Kind() == reflect.Pointer {
		n := reflect.New(v.Type().Elem())
		if err := setValue(n.Elem(), s); err != nil {
			return err
		}
		v.Set(n)
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer")
		}
		v.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("not a number")
		}
		v.SetFloat(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not true or false")
		}
		v.SetBool(b)
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
