package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"
)

//go:embed static
var staticFiles embed.FS

// asset is one embedded file, served at /static/<hash>/<name> so that it
// can be cached for ever: a new build with a changed file has a new URL.
type asset struct {
	name, url, ctype string
	body             []byte
}

type assets struct {
	byName map[string]*asset
}

// mustAssets hashes the embedded files; they are compiled in, so failing
// here is a build defect.
func mustAssets() *assets {
	a := &assets{byName: map[string]*asset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byName[name] = &asset{name: name, url: "/static/" + hex.EncodeToString(sum[:6]) + "/" + name,
			ctype: ctype, body: b}
		return nil
	})
	if err != nil {
		panic("web: embedded assets: " + err.Error())
	}
	return a
}

// url returns the content-hashed URL of an embedded file.
func (a *assets) url(name string) string {
	if f, ok := a.byName[name]; ok {
		return f.url
	}
	return "/static/missing/" + name
}

func (h *Handler) serveStatic(c *gin.Context) {
	f, ok := h.assets.byName[c.Param("name")]
	if !ok || f.url != c.Request.URL.Path {
		// A stale hash (a page from an older build) gets a 404 rather than
		// today's file cached for ever under yesterday's name.
		c.String(http.StatusNotFound, "not found\n")
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, f.ctype, f.body)
}
