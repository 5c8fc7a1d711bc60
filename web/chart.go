package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// Charts are drawn on the server as SVG: no script, no library, readable
// without JavaScript, and with their data repeated as a table for screen
// readers.

const (
	chartW, chartH         = 560, 200
	plotL, plotR           = 48, 548
	plotT, plotB           = 12, 172
	chartTicks             = 2
	chartMaxRuns           = 30
	barShare       float64 = 0.7
	maxBarW                = 28
)

// niceCeil rounds up to 1, 2 or 5 times a power of ten, so axis labels are
// round numbers.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

type chartPoint struct {
	label string // "Run 12"
	value float64
	tone  string
}

func newChart(id, title, desc, unit string, pts []chartPoint, line bool) views.Chart {
	ch := views.Chart{ID: id, Title: title, Desc: desc, Width: chartW, Height: chartH,
		PlotLeft: plotL, PlotRight: plotR, PlotTop: plotT, PlotBottom: plotB, Empty: len(pts) == 0}
	if ch.Empty {
		return ch
	}
	top := 0.0
	for _, p := range pts {
		top = max(top, p.value)
	}
	top = niceCeil(top)
	y := func(v float64) int { return plotB - int(math.Round(v/top*float64(plotB-plotT))) }
	for i := 0; i <= chartTicks; i++ {
		v := top * float64(i) / chartTicks
		ch.YTicks = append(ch.YTicks, views.Tick{Pos: y(v), Label: fmtInt(int(v))})
	}
	slot := float64(plotR-plotL) / float64(len(pts))
	var line_ []string
	for i, p := range pts {
		cx := plotL + int(math.Round(slot*(float64(i)+0.5)))
		title := fmt.Sprintf("%s: %s %s", p.label, fmtInt(int(p.value)), unit)
		if line {
			ch.Dots = append(ch.Dots, views.Bar{X: cx, Y: y(p.value), Title: title, Tone: p.tone})
			line_ = append(line_, strconv.Itoa(cx)+","+strconv.Itoa(y(p.value)))
		} else {
			w := min(maxBarW, max(2, int(slot*barShare)))
			h := plotB - y(p.value)
			if p.value > 0 && h < 1 {
				h = 1
			}
			ch.Bars = append(ch.Bars, views.Bar{X: cx - w/2, Y: plotB - h, W: w, H: h, Title: title, Tone: p.tone})
		}
		ch.Rows = append(ch.Rows, views.ChartRow{Label: p.label, Value: fmtInt(int(p.value)) + " " + unit})
		if i == 0 || i == len(pts)-1 || (len(pts) > 6 && i == len(pts)/2) {
			ch.XLabels = append(ch.XLabels, views.Tick{Pos: cx, Label: strings.TrimPrefix(p.label, "Run ")})
		}
	}
	ch.Line = strings.Join(line_, " ")
	return ch
}

// runCharts draws the records changed and the API calls of the last runs,
// oldest on the left.
func runCharts(runs []engine.Run) (changed, calls views.Chart) {
	var ch, ca []chartPoint
	for i := min(len(runs), chartMaxRuns) - 1; i >= 0; i-- {
		r := runs[i]
		if r.Status == engine.RunRunning {
			continue
		}
		tone := ""
		if r.Status == engine.RunFailed {
			tone = "bad"
		}
		label := "Run " + strconv.FormatInt(r.ID, 10)
		ch = append(ch, chartPoint{label: label, value: float64(r.Changed[engine.Local] + r.Changed[engine.Upstream]), tone: tone})
		ca = append(ca, chartPoint{label: label, value: float64(r.APICalls), tone: tone})
	}
	changed = newChart("changed", "Records changed per run", "New or changed records read by each of the last runs, oldest first.", "records", ch, false)
	calls = newChart("calls", "API calls per run", "Upstream API calls made by each of the last runs, oldest first.", "calls", ca, true)
	return changed, calls
}
