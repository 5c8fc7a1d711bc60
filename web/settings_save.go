package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/web/views"
)

var (
	cronField   = regexp.MustCompile(`^[0-9*/,\-]+$`)
	descriptors = map[string]bool{"@hourly": true, "@daily": true, "@midnight": true, "@weekly": true,
		"@monthly": true, "@yearly": true, "@annually": true}
)

// validSchedule accepts what the scheduler understands: a descriptor,
// "@every <duration>" of a minute or more, or a five-field cron line.
func validSchedule(s string) string {
	switch {
	case descriptors[s], s == "manual":
		return ""
	case strings.HasPrefix(s, "@every "):
		d, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(s, "@every ")))
		if err != nil || d < time.Minute {
			return "Write @every with a duration of at least a minute, such as @every 15m."
		}
		return ""
	}
	f := strings.Fields(s)
	if len(f) != 5 {
		return "Use @hourly, @daily, @every 15m, or a cron line of five fields (minute hour day month weekday)."
	}
	for _, x := range f {
		if !cronField.MatchString(x) {
			return "A cron field may hold digits, *, /, - and commas only."
		}
	}
	return ""
}

// scheduleProblem says what is wrong with a schedule, or "" when the
// scheduler takes it.
func (h *Handler) scheduleProblem(s string) string {
	if h.ValidateSchedule == nil {
		return validSchedule(s)
	}
	if err := h.ValidateSchedule(s); err != nil {
		return "This schedule cannot be used: " + err.Error() + "."
	}
	return ""
}

// parseSettings reads the form (or JSON) values: "" returns a field to its
// configured value. It returns the input and a message per bad field.
func (h *Handler) parseSettings(get func(string) (string, bool)) (SettingsInput, map[string]string) {
	var in SettingsInput
	errs := map[string]string{}
	if v, ok := get("schedule"); ok && strings.TrimSpace(v) != "" {
		v = strings.TrimSpace(v)
		if msg := h.scheduleProblem(v); msg != "" {
			errs["schedule"] = msg
		}
		in.Schedule = &v
	}
	intField := func(name string, dst **int) {
		v, ok := get(name)
		if !ok || strings.TrimSpace(v) == "" {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			errs[name] = "Enter a whole number, 0 or more."
			return
		}
		*dst = &n
	}
	intField("max_creates", &in.MaxCreates)
	intField("calls_per_day", &in.CallsPerDay)
	if v, ok := get("max_percent"); ok && strings.TrimSpace(v) != "" {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 100 {
			errs["max_percent"] = "Enter a percentage from 0 to 100."
		} else {
			in.MaxPercent = &f
		}
	}
	return in, errs
}

// saveSettingsForm saves the overrides, or shows the form again with 422
// and a message next to each bad field.
func (h *Handler) saveSettingsForm(c *gin.Context) {
	p := pairOf(c)
	in, errs := h.parseSettings(c.GetPostForm)
	if len(errs) > 0 {
		v := views.SettingsView{Action: pairURL(p.Name, "settings"), Fields: h.settingsFields(p)}
		for i, f := range v.Fields {
			v.Fields[i].Value = c.PostForm(f.Name)
			if msg, ok := errs[f.Name]; ok {
				v.Fields[i].Error = msg
				v.Errors = append(v.Errors, f.Label+": "+msg)
			}
		}
		h.render(c, http.StatusUnprocessableEntity, views.SettingsPage(h.shell(c, "Settings", "settings"), v))
		return
	}
	if err := h.Settings.SaveSettings(c.Request.Context(), p.Name, in, actor(c)); err != nil {
		h.actionFailed(c, err, pairURL(p.Name, "settings"))
		return
	}
	h.done(c, pairURL(p.Name, "settings"), "Settings saved. They apply from the next run.")
}

func (h *Handler) apiSaveSettings(c *gin.Context) {
	var body map[string]any
	if err := c.ShouldBindJSON(&body); err != nil {
		h.apiError(c, invalid("body: want a JSON object of settings"))
		return
	}
	get := func(k string) (string, bool) {
		v, ok := body[k]
		if !ok || v == nil {
			return "", ok
		}
		switch x := v.(type) {
		case string:
			return x, true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
		return "?", true
	}
	in, errs := h.parseSettings(get)
	if len(errs) > 0 {
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": apiErrorDetail{Code: "invalid", Message: "some settings are invalid"},
			"fields": errs})
		return
	}
	if err := h.Settings.SaveSettings(c.Request.Context(), pairOf(c).Name, in, actor(c)); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
