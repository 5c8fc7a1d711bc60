package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// recordRow is a row of records: the last seen state of one customer.
type recordRow struct {
	Pair           string `gorm:"primaryKey"`
	Side           string `gorm:"primaryKey"`
	ID             string `gorm:"primaryKey"`
	Email          string
	FirstName      string
	LastName       string
	Company        string
	Phone          string
	Mobile         string
	AccountCode    string
	ExternalRef    string
	Line1          string
	Line2          string
	City           string
	State          string
	Postcode       string
	Country        string
	Birthday       string
	EmailKey       string
	PhoneKey       string
	MobileKey      string
	NameKey        string
	PostcodeKey    string
	AccountCodeKey string
	Hash           string
	Version        int64
	UpdatedAt      *time.Time `gorm:"autoCreateTime:false;autoUpdateTime:false"`
	Deleted        bool
	Raw            []byte
	Dirty          bool
	SeenAt         time.Time
	RunID          int64
}

func (recordRow) TableName() string { return "records" }

// recordUpdateColumns are overwritten when a stored record changed: every
// column but the key.
var recordUpdateColumns = []string{
	"email", "first_name", "last_name", "company", "phone", "mobile", "account_code", "external_ref",
	"line1", "line2", "city", "state", "postcode", "country", "birthday",
	"email_key", "phone_key", "mobile_key", "name_key", "postcode_key", "account_code_key",
	"hash", "version", "updated_at", "deleted", "raw", "dirty", "seen_at", "run_id",
}

func recordFromEngine(r engine.Record, dirty bool, runID int64) recordRow {
	c := r.Customer
	hash := r.Hash
	if hash == "" {
		hash = c.Hash()
	}
	return recordRow{
		Pair: r.Pair, Side: string(r.Side), ID: c.ID,
		Email: c.Email, FirstName: c.FirstName, LastName: c.LastName, Company: c.Company,
		Phone: c.Phone, Mobile: c.Mobile, AccountCode: c.AccountCode, ExternalRef: c.ExternalRef,
		Line1: c.Address.Line1, Line2: c.Address.Line2, City: c.Address.City, State: c.Address.State,
		Postcode: c.Address.Postcode, Country: c.Address.Country, Birthday: c.Birthday,
		EmailKey: r.Keys.Email, PhoneKey: r.Keys.Phone, MobileKey: r.Keys.Mobile, NameKey: r.Keys.Name,
		PostcodeKey: r.Keys.Postcode, AccountCodeKey: r.Keys.AccountCode,
		Hash: hash, Version: c.Version, UpdatedAt: nullTime(c.UpdatedAt), Deleted: c.Deleted, Raw: c.Raw,
		Dirty: dirty, SeenAt: ts(r.SeenAt), RunID: runID,
	}
}

func (r recordRow) toEngine() engine.Record {
	return engine.Record{
		Pair: r.Pair, Side: engine.Side(r.Side),
		Customer: engine.Customer{
			ID: r.ID, Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Company: r.Company,
			Phone: r.Phone, Mobile: r.Mobile, AccountCode: r.AccountCode, ExternalRef: r.ExternalRef,
			Address: engine.Address{Line1: r.Line1, Line2: r.Line2, City: r.City, State: r.State,
				Postcode: r.Postcode, Country: r.Country},
			Birthday: r.Birthday, UpdatedAt: fromNull(r.UpdatedAt), Version: r.Version,
			Deleted: r.Deleted, Raw: r.Raw,
		},
		Keys: engine.Keys{Email: r.EmailKey, Phone: r.PhoneKey, Mobile: r.MobileKey, Name: r.NameKey,
			Postcode: r.PostcodeKey, AccountCode: r.AccountCodeKey},
		Hash:   r.Hash,
		SeenAt: r.SeenAt.UTC(),
	}
}

func recordsToEngine(rows []recordRow) []engine.Record {
	out := make([]engine.Record, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out
}

// upsertRecords writes rows, replacing a stored row only where guard (SQL
// over the stored "records" and the proposed "excluded" row) holds, and
// returns how many rows were inserted or replaced. Both dialects count only
// the rows actually written by an upsert.
func upsertRecords(tx *gorm.DB, rows []recordRow, guard string) (int, error) {
	oc := clause.OnConflict{
		Columns:   []clause.Column{{Name: "pair"}, {Name: "side"}, {Name: "id"}},
		DoUpdates: clause.AssignmentColumns(recordUpdateColumns),
	}
	if guard != "" {
		oc.Where = clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: guard}}}
	}
	n := 0
	for _, part := range chunks(rows, rowsPerInsert(tx, 34)) {
		res := tx.Clauses(oc).Create(&part)
		if res.Error != nil {
			return n, res.Error
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// storeSeen stores records confirmed by accord's own write (a creation or a
// settlement) as seen and not dirty: they need no matching, their link
// exists.
func storeSeen(tx *gorm.DB, recs []engine.Record, runID int64) error {
	rows := make([]recordRow, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, recordFromEngine(r, false, runID))
	}
	if _, err := upsertRecords(tx, rows, ""); err != nil {
		return err
	}
	for _, r := range recs {
		if err := replaceKeys(tx, r.Pair, r.Side, []engine.Record{r}, nil); err != nil {
			return err
		}
	}
	return nil
}

// markDirty queues records for re-evaluation by the next run: a person's
// decision changed what matching should conclude about them.
func markDirty(tx *gorm.DB, pair string, side engine.Side, ids []string) error {
	for _, part := range chunks(distinct(ids), inChunk) {
		err := tx.Model(&recordRow{}).
			Where("pair = ? AND side = ? AND id IN ?", pair, string(side), part).
			Update("dirty", true).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// MarkDirty queues records for matching by the next pass, changed or not
// ("sync this record now").
func (db *DB) MarkDirty(ctx context.Context, pair string, side engine.Side, ids []string) error {
	return wrapf(markDirty(db.orm(ctx), pair, side, ids), "queue %d %s records", len(ids), side)
}

// DirtyRecords returns up to limit dirty records of a side with id greater
// than after, ordered by id.
func (db *DB) DirtyRecords(ctx context.Context, pair string, side engine.Side, after string, limit int) ([]engine.Record, error) {
	rows, err := findRecordRows(db.orm(ctx), "SELECT "+recordSelectList+
		" FROM records WHERE pair = ? AND side = ? AND dirty AND id > ? ORDER BY id LIMIT ?",
		pair, string(side), after, limit)
	if err != nil {
		return nil, wrapf(err, "dirty records of %s %s after %q", pair, side, after)
	}
	return recordsToEngine(rows), nil
}

// keyColumn maps a lookup key to its column; the extra condition matches
// the partial index, which leaves empty keys out.
func keyColumn(k engine.Key) (string, error) {
	switch k {
	case engine.KeyID:
		return "id", nil
	case engine.KeyExternalRef:
		return "external_ref", nil
	case engine.KeyEmail:
		return "email_key", nil
	case engine.KeyAccountCode:
		return "account_code_key", nil
	}
	return "", invalidf("lookup key %q", k)
}

// FindRecords returns the records of a side whose key is one of values.
// Empty values match nothing. Records come in no particular order.
func (db *DB) FindRecords(ctx context.Context, pair string, side engine.Side, key engine.Key, values []string) ([]engine.Record, error) {
	col, err := keyColumn(key)
	if err != nil {
		return nil, err
	}
	var out []engine.Record
	for _, part := range chunks(distinct(values), inChunk) {
		q := fmt.Sprintf("SELECT %s FROM records WHERE pair = ? AND side = ? AND %s IN ? AND %s <> ''",
			recordSelectList, col, col)
		rows, err := findRecordRows(db.orm(ctx), q, pair, string(side), part)
		if err != nil {
			return nil, wrapf(err, "find %s records of %s by %s", side, pair, key)
		}
		out = append(out, recordsToEngine(rows)...)
	}
	return out, nil
}

// FindRecord returns one stored record, or an error wrapping
// engine.ErrNotFound.
func (db *DB) FindRecord(ctx context.Context, pair string, side engine.Side, id string) (engine.Record, error) {
	var row recordRow
	err := db.orm(ctx).Where("pair = ? AND side = ? AND id = ?", pair, string(side), id).Take(&row).Error
	if err != nil {
		return engine.Record{}, wrapf(err, "find %s record %s of %s", side, id, pair)
	}
	return row.toEngine(), nil
}

// CountRecords counts the live (not deleted) records of a side.
func (db *DB) CountRecords(ctx context.Context, pair string, side engine.Side) (int, error) {
	n, err := countRecords(db.orm(ctx), pair, side)
	if err != nil {
		return 0, wrapf(err, "count %s records of %s", side, pair)
	}
	return n, nil
}

func countRecords(tx *gorm.DB, pair string, side engine.Side) (int, error) {
	var n int64
	err := tx.Model(&recordRow{}).Where("pair = ? AND side = ? AND NOT deleted", pair, string(side)).Count(&n).Error
	return int(n), err
}
