// Command lesson-player-api serves the playback manifest of video lessons.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// served counts the manifests served, for the /metrics endpoint.
var served atomic.Int64

type rendition struct {
	Height int    `json:"height"`
	URL    string `json:"url"`
}

type manifest struct {
	Lesson     string      `json:"lesson"`
	ExpiresAt  time.Time   `json:"expiresAt"`
	Renditions []rendition `json:"renditions"`
}

func main() {
	base := os.Getenv("MEDIA_BASE_URL")
	if base == "" {
		log.Fatal("MEDIA_BASE_URL is required")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /lessons/{lesson}/playback", func(w http.ResponseWriter, r *http.Request) {
		lesson := r.PathValue("lesson")
		if strings.ContainsAny(lesson, "/.") {
			http.Error(w, "lesson must be a lesson slug", http.StatusBadRequest)
			return
		}
		expires := time.Now().Add(15 * time.Minute).UTC()
		m := manifest{Lesson: lesson, ExpiresAt: expires}
		for _, h := range []int{360, 720, 1080} {
			m.Renditions = append(m.Renditions, rendition{
				Height: h,
				URL:    signedURL(base, lesson, h, expires),
			})
		}
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(m)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE lesson_playback_manifests_total counter\nlesson_playback_manifests_total %d\n", served.Load())
	})
	log.Println("listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", mux))
}
