package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
)

// auditRow is one entry of the audit log: who decided what, about which
// subject, with the details needed to explain it later.
type auditRow struct {
	ID      int64 `gorm:"primaryKey"`
	Pair    string
	Actor   string
	Action  string
	Subject string
	Detail  string
	At      time.Time
}

func (auditRow) TableName() string { return "audit_log" }

// AuditEntry is one audited decision.
type AuditEntry struct {
	ID      int64
	Pair    string
	Actor   string
	Action  string // e.g. "suggestion.approve", "link.unlink"
	Subject string // e.g. "suggestion:12", "link:7"
	Detail  map[string]any
	At      time.Time
}

// Audit actions written by the decision methods.
const (
	ActionApproveSuggestion = "suggestion.approve"
	ActionRejectSuggestion  = "suggestion.reject"
	ActionUnlink            = "link.unlink"
	ActionChooseSurvivor    = "duplicates.choose_survivor"
	ActionDismissDuplicates = "duplicates.dismiss"
	ActionKeepBoth          = "conflict.keep_both"
	ActionApprovePlan       = "plan.approve"
	ActionRejectPlan        = "plan.reject"
	ActionRetryWrite        = "write.retry"
	ActionDiscardWrite      = "write.discard"
)

// audit writes an entry in the decision's own transaction, so a decision
// and its record are committed together or not at all.
func audit(tx *gorm.DB, at time.Time, pair, actor, action, subject string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	return tx.Create(&auditRow{Pair: pair, Actor: actor, Action: action, Subject: subject,
		Detail: mustJSON(detail), At: ts(at)}).Error
}

// AuditFilter selects audit entries. Zero fields do not filter.
type AuditFilter struct {
	Pair    string
	Actor   string
	Action  string
	Subject string
	Limit   int
	Offset  int
}

// FindAudit returns the entries that match f, newest first, and how many
// match in all.
func (db *DB) FindAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	q := db.orm(ctx).Model(&auditRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "actor = ?", f.Actor)
	q = where(q, "action = ?", f.Action)
	q = where(q, "subject = ?", f.Subject)
	var rows []auditRow
	total, err := page(q, "id DESC", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find audit entries")
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		var d map[string]any
		_ = json.Unmarshal([]byte(r.Detail), &d)
		out[i] = AuditEntry{ID: r.ID, Pair: r.Pair, Actor: r.Actor, Action: r.Action, Subject: r.Subject,
			Detail: d, At: r.At.UTC()}
	}
	return out, total, nil
}
