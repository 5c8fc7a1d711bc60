package web

import "github.com/gin-gonic/gin"

// metricsRoutes serves /metrics (Options.Metrics) to a scraper with an API
// token (Authorization: Bearer, as Prometheus sends it) or to a signed-in
// person. The series name the pairs and their volumes, so they are not
// public like /healthz.
func (h *Handler) metricsRoutes(r *gin.Engine) {
	r.GET("/metrics", h.metricsAuth, h.serveMetrics)
}

func (h *Handler) metricsAuth(c *gin.Context) {
	if c.GetHeader("Authorization") != "" {
		h.requireToken(c)
		return
	}
	h.requireSession(c)
}

func (h *Handler) serveMetrics(c *gin.Context) {
	if h.Metrics == nil {
		h.notFound(c)
		return
	}
	h.Metrics.ServeHTTP(c.Writer, c.Request)
}
