// Package web is the service's HTTP API (gin), served over HTTP/1.1 and
// cleartext HTTP/2 (h2c).
package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"

	"example.com/bench/internal/store"
)

// Handler returns the API handler over st.
func Handler(st store.Store) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/kv/:key", func(c *gin.Context) {
		v, err := st.Get(c.Request.Context(), c.Param("key"))
		switch {
		case errors.Is(err, store.ErrNotFound):
			c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
		case err != nil:
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
		default:
			c.JSON(http.StatusOK, gin.H{"value": v})
		}
	})
	r.PUT("/kv/:key", func(c *gin.Context) {
		var body struct {
			Value string `json:"value"`
		}
		if err := c.ShouldBindJSON(&body); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		if err := st.Put(c.Request.Context(), c.Param("key"), body.Value); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.Status(http.StatusNoContent)
	})
	return h2c.NewHandler(r, &http2.Server{})
}
