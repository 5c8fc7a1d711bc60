package store

import (
	"database/sql"

	"gorm.io/gorm"
)

// recordSelectList lists the columns of records in the order scanRecords
// reads them.
const recordSelectList = "pair, side, id, email, first_name, last_name, company, phone, mobile, account_code," +
	" external_ref, line1, line2, city, state, postcode, country, birthday, email_key, phone_key, mobile_key," +
	" name_key, postcode_key, account_code_key, hash, version, updated_at, deleted, raw, dirty, seen_at, run_id"

// findRecordRows runs a query selecting recordSelectList and scans its rows by
// hand. Matching reads millions of records in a first run; gorm's scanning
// by reflection, a value allocated per column, cost more CPU than the
// queries themselves and most of the garbage.
func findRecordRows(tx *gorm.DB, query string, args ...any) ([]recordRow, error) {
	rows, err := tx.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanRecords(rows)
}

func scanRecords(rows *sql.Rows) ([]recordRow, error) {
	var out []recordRow
	for rows.Next() {
		var r recordRow
		err := rows.Scan(&r.Pair, &r.Side, &r.ID, &r.Email, &r.FirstName, &r.LastName, &r.Company, &r.Phone,
			&r.Mobile, &r.AccountCode, &r.ExternalRef, &r.Line1, &r.Line2, &r.City, &r.State, &r.Postcode,
			&r.Country, &r.Birthday, &r.EmailKey, &r.PhoneKey, &r.MobileKey, &r.NameKey, &r.PostcodeKey,
			&r.AccountCodeKey, &r.Hash, &r.Version, &r.UpdatedAt, &r.Deleted, &r.Raw, &r.Dirty, &r.SeenAt, &r.RunID)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
