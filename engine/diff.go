package engine

// diffFields compares the mapped fields of a linked pair. A field is in
// conflict when both sides hold a value, the values differ after
// normalisation (so "021 555 0101" and "+64 21 555 0101" agree), and the pair
// is not exactly as accord or a person last left it (its baseline). A value
// on one side only is not a conflict: filling a blank is a choice for a
// person, and the link page shows it.
func diffFields(fields []string, local, upstream Customer, base map[string]Baseline, n Normalizer) (differ, agree []string) {
	for _, f := range fields {
		lv, uv := local.Field(f), upstream.Field(f)
		if b, ok := base[f]; ok && ValueHash(lv) == b.Local && ValueHash(uv) == b.Upstream {
			agree = append(agree, f)
			continue
		}
		if lv == "" || uv == "" || n.Value(f, lv) == n.Value(f, uv) {
			agree = append(agree, f)
			continue
		}
		differ = append(differ, f)
	}
	return differ, agree
}

// baselineOf records both sides' values of every compared field as they
// stand, after accord created one from the other.
func baselineOf(fields []string, local, upstream Customer) map[string]Baseline {
	b := make(map[string]Baseline, len(fields))
	for _, f := range fields {
		b[f] = Baseline{Local: ValueHash(local.Field(f)), Upstream: ValueHash(upstream.Field(f))}
	}
	return b
}

// orient returns a and b as (local, upstream), given that a is on side s.
func orient[T any](s Side, a, b T) (local, upstream T) {
	if s == Local {
		return a, b
	}
	return b, a
}
