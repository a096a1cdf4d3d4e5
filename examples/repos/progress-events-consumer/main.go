package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kotel"
)

func main() {
	ctx := context.Background()
	tp := mustInitTracing(ctx) // OTLP exporter, configured from OTEL_* env vars
	defer tp.Shutdown(ctx)

	tracer := kotel.NewTracer(kotel.TracerProvider(tp))
	client, err := kgo.NewClient(
		kgo.SeedBrokers(os.Getenv("KAFKA_BROKERS")),
		kgo.ConsumerGroup("progress-events-consumer"),
		kgo.ConsumeTopics("learning-events"),
		kgo.WithHooks(kotel.NewKotel(kotel.WithTracer(tracer)).Hooks()...),
	)
	if err != nil {
		slog.Error("kafka client", "err", err)
		os.Exit(1)
	}
	go serveHealthAndMetrics(":8080")
	consume(ctx, client) // applies each event to the progress tables
}
