package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/web/views"
)

// settingsFields lays out a pair's editable policy. Each field's form
// value is its override ("" when the configured value is in force).
func (h *Handler) settingsFields(p PairInfo) []views.SettingField {
	num := func(v int) string { return strconv.Itoa(v) }
	pct := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	over := func(set bool, v string) string {
		if set {
			return v
		}
		return ""
	}
	budget := func(v int) string {
		if v == 0 {
			return "no limit"
		}
		return fmtInt(v) + " calls"
	}
	return []views.SettingField{
		{Name: "schedule", Label: "Schedule", Type: "text", Help: "When the sync runs: @hourly, @daily, @every 15m, a cron line, or manual (only Run now, webhooks and the API).",
			Value: over(p.Schedule.Overridden, p.Schedule.Value), Configured: p.Schedule.Configured,
			Effective: p.Schedule.Value, Overridden: p.Schedule.Overridden},
		{Name: "max_creates", Label: "Guard: most records created per run", Type: "number", Min: "0", Step: "1",
			Help:  "A run that would create more on either side waits for approval. 0 turns this limit off.",
			Value: over(p.MaxCreates.Overridden, num(p.MaxCreates.Value)), Configured: num(p.MaxCreates.Configured),
			Effective: num(p.MaxCreates.Value), Overridden: p.MaxCreates.Overridden},
		{Name: "max_percent", Label: "Guard: largest share of a side created per run (%)", Type: "number", Min: "0", Max: "100", Step: "0.1",
			Help:  "A run that would grow a side by more than this waits for approval. 0 turns this limit off.",
			Value: over(p.MaxPercent.Overridden, pct(p.MaxPercent.Value)), Configured: pct(p.MaxPercent.Configured),
			Effective: pct(p.MaxPercent.Value) + "%", Overridden: p.MaxPercent.Overridden},
		{Name: "calls_per_day", Label: "API budget: calls per day", Type: "number", Min: "0", Step: "1",
			Help:  "Upstream API calls accord may spend in a UTC day; a run that reaches it stops and the next one resumes. 0 is no limit.",
			Value: over(p.CallsPerDay.Overridden, num(p.CallsPerDay.Value)), Configured: num(p.CallsPerDay.Configured),
			Effective: budget(p.CallsPerDay.Value), Overridden: p.CallsPerDay.Overridden},
	}
}

func (h *Handler) showSettings(c *gin.Context) {
	p := pairOf(c)
	v := views.SettingsView{Action: pairURL(p.Name, "settings"), Fields: h.settingsFields(p),
		Note: "A changed schedule takes effect at once; Run now, provider webhooks and the API start runs whatever the schedule."}
	if p.SettingsSaved {
		v.Saved = "Last changed by " + p.SettingsBy + ", " + h.fmtTime(p.SettingsAt)
	}
	h.render(c, http.StatusOK, views.SettingsPage(h.shell(c, "Settings", "settings"), v))
}

func (h *Handler) apiSettings(c *gin.Context) {
	p := pairOf(c)
	type value struct {
		Value      any  `json:"value"`
		Configured any  `json:"configured"`
		Overridden bool `json:"overridden"`
	}
	c.JSON(http.StatusOK, gin.H{
		"schedule":             value{p.Schedule.Value, p.Schedule.Configured, p.Schedule.Overridden},
		"guard_max_creates":    value{p.MaxCreates.Value, p.MaxCreates.Configured, p.MaxCreates.Overridden},
		"guard_max_percent":    value{p.MaxPercent.Value, p.MaxPercent.Configured, p.MaxPercent.Overridden},
		"budget_calls_per_day": value{p.CallsPerDay.Value, p.CallsPerDay.Configured, p.CallsPerDay.Overridden},
	})
}
