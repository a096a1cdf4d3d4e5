package main

import (
	"context"
	"log"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// receive handles one storage event: download, resize, upload thumbnails.
func receive(ctx context.Context, e cloudevents.Event) error {
	var obj storageObject
	if err := e.DataAs(&obj); err != nil {
		return err
	}
	return renderThumbnails(ctx, obj.Bucket, obj.Name, []int{320, 1280})
}

func main() {
	shutdown := initTracing(context.Background()) // OTLP/HTTP, from OTEL_* env
	defer shutdown()
	c, err := cloudevents.NewClientHTTP()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(c.StartReceiver(context.Background(), receive))
}
