package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// signedURL returns a link to one rendition that the media CDN accepts until expires.
func signedURL(base, lesson string, height int, expires time.Time) string {
	path := fmt.Sprintf("/lessons/%s/%dp.m3u8", lesson, height)
	mac := hmac.New(sha256.New, []byte(os.Getenv("MEDIA_SIGNING_KEY")))
	fmt.Fprintf(mac, "%s:%d", path, expires.Unix())
	return fmt.Sprintf("%s%s?expires=%d&sig=%s", base, path, expires.Unix(), hex.EncodeToString(mac.Sum(nil)))
}
