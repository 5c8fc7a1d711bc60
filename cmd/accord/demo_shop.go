package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"time"

	_ "github.com/glebarez/go-sqlite" // the pure-Go SQLite driver behind glebarez/sqlite, registered as "sqlite"
)

// demoShopSchema is the sample shop's customers table: what a small web
// shop keeps, plus the column where accord records the X-Series id.
const demoShopSchema = `CREATE TABLE customers (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	first_name    TEXT,
	last_name     TEXT,
	email         TEXT,
	phone         TEXT,
	account_no    TEXT,
	company       TEXT,
	city          TEXT,
	postcode      TEXT,
	birthday      TEXT,
	lightspeed_id TEXT,
	updated_at    DATETIME NOT NULL
)`

// writeDemoShop creates the sample shop database at path.
func writeDemoShop(ctx context.Context, path string, rows []demoLocal, now time.Time) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(ctx, demoShopSchema); err != nil {
		return fmt.Errorf("demo shop: create table: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO customers (id, first_name, last_name, email, phone,
		account_no, company, city, postcode, birthday, lightspeed_id, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	defer stmt.Close()
	for i, r := range rows {
		// Spread the edits over the last days, as in a real shop.
		at := now.Add(-time.Duration(len(rows)-i) * 7 * time.Minute).UTC()
		if _, err := stmt.ExecContext(ctx, r.ID, nullable(r.FirstName), nullable(r.LastName), nullable(r.Email),
			nullable(r.Phone), nullable(r.AccountNo), nullable(r.Company), nullable(r.City), nullable(r.Postcode),
			nullable(r.Birthday), nullable(r.LSID), at); err != nil {
			return fmt.Errorf("demo shop: insert customer %d: %w", r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeJSONFile writes v as indented JSON.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
